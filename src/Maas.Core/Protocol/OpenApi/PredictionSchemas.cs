using System.Text.Json.Nodes;
using Maas.Core.Models;
using Maas.Core.Protocol.V2;
using Microsoft.OpenApi;

namespace Maas.Core.Protocol.OpenApi;

/// <summary>Request and response schemas, and example requests, of one model version on both APIs, typed from its signature.</summary>
internal static class PredictionSchemas
{
    /// <summary>
    /// <c>{"inputs": {...}}</c>; a single-input model also takes the classic Flask form <c>{"input": ...}</c>. Either may
    /// name the output to answer as <c>"output"</c>.
    /// </summary>
    public static OpenApiSchema SimpleRequest(ModelVersionRecord model)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["inputs"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Every input by name, as nested arrays whose nesting is the shape",
                Required = new HashSet<string>(model.Inputs.Select(i => i.Name)),
                AdditionalPropertiesAllowed = false,
                Properties = model.Inputs.ToDictionary(i => i.Name, i => (IOpenApiSchema)TensorSchemas.Nested(i)),
            },
            ["output"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The output to answer as \"output\" (the classic Flask contract); a single-input request to a model with several outputs must name it",
                Enum = [.. model.Outputs.Select(o => (JsonNode)JsonValue.Create(o.Name))],
            },
        };
        if (model.Inputs.Count != 1)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Object, Required = new HashSet<string> { "inputs" }, AdditionalPropertiesAllowed = false, Properties = properties };
        }

        properties["input"] = TensorSchemas.Nested(model.Inputs[0]);
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Properties = properties,
            OneOf = [new OpenApiSchema { Required = new HashSet<string> { "inputs" } }, new OpenApiSchema { Required = new HashSet<string> { "input" } }],
        };
    }

    public static OpenApiSchema SimpleResponse(ModelVersionRecord model)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["model"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["version"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["outputs"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>(model.Outputs.Select(o => o.Name)),
                Properties = model.Outputs.ToDictionary(o => o.Name, o => (IOpenApiSchema)TensorSchemas.Nested(o)),
            },
        };
        properties["output"] = model.Outputs.Count == 1
            ? TensorSchemas.Nested(model.Outputs[0])
            : new OpenApiSchema { Description = "The output the request named (\"output\")", AnyOf = [.. model.Outputs.Select(o => (IOpenApiSchema)TensorSchemas.Nested(o))] };
        var labelled = model.Outputs.Where(o => model.Config.Labels.ContainsKey(o.Name)).ToList();
        if (labelled.Count > 0)
        {
            properties["labels"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Class names (config.json labels): the class of index i is the i-th name",
                Properties = labelled.ToDictionary(o => o.Name, o => (IOpenApiSchema)new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. model.Config.Labels[o.Name].Select(label => (JsonNode)JsonValue.Create(label))] },
                }),
            };
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "model", "version", "outputs" },
            Properties = properties,
        };
    }

    public static OpenApiSchema V2Request(ModelVersionRecord model) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "inputs" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Echoed in the response" },
            ["parameters"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema> { ["binary_data_output"] = new OpenApiSchema { Type = JsonSchemaType.Boolean } },
            },
            ["inputs"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "Every input once",
                MinItems = model.Inputs.Count,
                MaxItems = model.Inputs.Count,
                Items = OneOf([.. model.Inputs.Select(V2Input)]),
            },
            ["outputs"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "The outputs to return (all when absent)",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "name" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["name"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. model.Outputs.Where(o => o.IsTensor).Select(o => (JsonNode)JsonValue.Create(o.Name))] },
                        ["parameters"] = new OpenApiSchema { Type = JsonSchemaType.Object },
                    },
                },
            },
        },
    };

    public static OpenApiSchema V2Response(ModelVersionRecord model) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "model_name", "outputs" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["model_name"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["model_version"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["outputs"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = OneOf([.. model.Outputs.Where(o => o.IsTensor).Select(V2Output)]),
            },
        },
    };

    /// <summary>config.json <c>example</c> when given, else zeros shaped by the signature (variable dimensions as 1).</summary>
    public static JsonNode SimpleExample(ModelVersionRecord model)
    {
        if (ConfigExample(model) is { } configured)
        {
            return new JsonObject { ["inputs"] = configured };
        }

        var inputs = new JsonObject();
        foreach (var input in model.Inputs)
        {
            inputs[input.Name] = TensorSchemas.Zeros(input.ElementType, TensorSchemas.ExampleShape(input));
        }

        return new JsonObject { ["inputs"] = inputs };
    }

    /// <summary>The same example in V2's form: flat data with shape and datatype; non-tensor outputs left out by naming the tensors.</summary>
    public static JsonNode V2Example(ModelVersionRecord model)
    {
        var simple = ((JsonObject)SimpleExample(model))["inputs"]!.AsObject();
        var inputs = new JsonArray();
        foreach (var input in model.Inputs)
        {
            var (data, shape) = TensorSchemas.Flatten(simple[input.Name]);
            inputs.Add(new JsonObject
            {
                ["name"] = input.Name,
                ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)JsonValue.Create(d))]),
                ["datatype"] = V2DataType.NameOf(input.ElementType),
                ["data"] = data,
            });
        }

        var example = new JsonObject { ["inputs"] = inputs };
        if (model.Outputs.Any(o => !o.IsTensor))
        {
            example["outputs"] = new JsonArray([.. model.Outputs.Where(o => o.IsTensor).Select(o => (JsonNode)new JsonObject { ["name"] = o.Name })]);
        }

        return example;
    }

    /// <summary>config.json's example inputs, in the <c>inputs</c> form (a single-input model's <c>input</c> named).</summary>
    private static JsonObject? ConfigExample(ModelVersionRecord model)
    {
        if (model.Config.Example is not { } text || JsonNode.Parse(text) is not JsonObject example)
        {
            return null;
        }

        return example["inputs"] is JsonObject inputs
            ? (JsonObject)inputs.DeepClone()
            : new JsonObject { [model.Inputs[0].Name] = example["input"]?.DeepClone() };
    }

    /// <summary>One of the schemas; the schema itself when there is only one.</summary>
    private static IOpenApiSchema OneOf(IList<IOpenApiSchema> schemas) => schemas.Count == 1 ? schemas[0] : new OpenApiSchema { OneOf = schemas };

    private static OpenApiSchema V2Input(TensorSignature input) => new()
    {
        Type = JsonSchemaType.Object,
        Description = $"{input.Name}: {input.Describe()}",
        Required = new HashSet<string> { "name", "shape", "datatype", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["name"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = input.Name },
            ["shape"] = TensorSchemas.Shape(input),
            ["datatype"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = V2DataType.NameOf(input.ElementType) },
            ["data"] = TensorSchemas.Flat(input),
            ["parameters"] = new OpenApiSchema { Type = JsonSchemaType.Object },
        },
    };

    private static OpenApiSchema V2Output(TensorSignature output) => new()
    {
        Type = JsonSchemaType.Object,
        Description = $"{output.Name}: {output.Describe()}",
        Required = new HashSet<string> { "name", "shape", "datatype" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["name"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = output.Name },
            ["shape"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            ["datatype"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = V2DataType.NameOf(output.ElementType) },
            ["data"] = TensorSchemas.Flat(output),
            ["parameters"] = new OpenApiSchema { Type = JsonSchemaType.Object },
        },
    };
}
