using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Core.Models;
using Maas.Core.Protocol.V2;
using Maas.Core.Registry;
using Microsoft.OpenApi;

namespace Maas.Core.Protocol.OpenApi;

/// <summary>
/// The OpenAPI 3.1 documents of the app, built from the registry. The service document has every endpoint of the
/// service with its responses and error bodies (<c>{"error"}</c> on V2 paths, problem+json on the others), prediction
/// operations for any model by name, and the list of models with links to their own documents (<c>x-maas-models</c>),
/// so its size grows by one short entry per model. A model's document has that model's typed prediction operations on
/// both APIs (default version and each Ready version) with a working example. A pure function of the registry rows,
/// the security settings and the server's base URL.
/// </summary>
public static class OpenApiContract
{
    public const string SecuritySchemeName = "entraId";

    /// <summary>The service document's list of models: name, description, default version and the link to its document.</summary>
    public const string ModelsExtension = "x-maas-models";

    /// <summary>On a prediction operation: whether its generated example ran on the graph at registration (absent when not known).</summary>
    public const string ExampleRunsExtension = "x-maas-example-runs";

    /// <summary>Marks the field a generated client should surface as the error's message (Kiota, AutoRest).</summary>
    public const string PrimaryErrorMessageExtension = "x-ms-primary-error-message";
    private const string ProblemSchema = "Problem";
    private const string V2ErrorSchema = "V2Error";
    private const string OpenAiErrorSchema = "OpenAIError";
    private const string OpenAiTag = "openai";
    private const string ServingTag = "server";
    private const string ManagementTag = "management";
    private const string ProblemJson = "application/problem+json";

    /// <param name="versions">Registry rows (any models, any status).</param>
    /// <param name="security">Entra ID's OAuth2 endpoints and the API's scopes; null when <c>Auth:Mode</c> is Disabled.</param>
    /// <param name="onlyModel">The document of this model's typed predictions (<c>GET /models/{name}/openapi.json</c>); null for the service document.</param>
    /// <param name="server">The app's absolute base URL as the caller reaches it (generated clients need one); null writes the relative <c>/</c>.</param>
    public static OpenApiDocument Build(IReadOnlyList<ModelVersionRecord> versions, OpenApiSecurity? security, string? onlyModel = null, Uri? server = null)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = onlyModel is null ? "Maas.Functions" : $"Maas.Functions: {onlyModel}",
                Version = ServerMetadata.Current.Version,
                Description = onlyModel is null
                    ? "Serverless model hosting: Open Inference Protocol V2 and a simple JSON API. Each model's typed operations are in its own document, linked from x-maas-models (/models/{name}/openapi.json)."
                    : "Serverless model hosting: Open Inference Protocol V2 and a simple JSON API, typed from the model's ONNX signature.",
            },
            Servers = [new OpenApiServer { Url = server?.ToString() ?? "/", Description = "this app" }],
            Paths = [],
            Components = new OpenApiComponents { Schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) },
        };
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["detail"] = PrimaryErrorMessage(),
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        };
        document.Components.Schemas[V2ErrorSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "error" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["error"] = PrimaryErrorMessage() },
        };
        document.Components.Schemas[OpenAiErrorSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "error" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["error"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["message"] = PrimaryErrorMessage(),
                        ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["param"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    },
                },
            },
        };
        var context = new Context(document, security);
        if (security is not null)
        {
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [SecuritySchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "Microsoft Entra ID (authorization code with PKCE)",
                    Flows = new OpenApiOAuthFlows
                    {
                        AuthorizationCode = new OpenApiOAuthFlow
                        {
                            AuthorizationUrl = security.AuthorizationUrl,
                            TokenUrl = security.TokenUrl,
                            Scopes = new Dictionary<string, string>
                            {
                                [security.ReadScope] = "Read models, metadata, contracts and metrics",
                                [security.PredictScope] = "Run predictions",
                            },
                        },
                    },
                },
            };
        }

        if (onlyModel is null)
        {
            AddServerEndpoints(context);
            AddOpenAiEndpoints(context);
            AddAnyModelPredictions(context);
            document.Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal) { [ModelsExtension] = new JsonNodeExtension(ModelList(versions)) };
            return document;
        }

        AddModel(context, onlyModel, [.. versions.Where(v => v.Name == onlyModel)]);
        return document;
    }

    /// <summary>The path of a model's own document.</summary>
    public static string ModelDocumentPath(string model) => $"/models/{model}/openapi.json";

    private static OpenApiSchema PrimaryErrorMessage() => new()
    {
        Type = JsonSchemaType.String,
        Description = "What was wrong and what was expected",
        Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal) { [PrimaryErrorMessageExtension] = new JsonNodeExtension(JsonValue.Create(true)) },
    };

    /// <summary>Every model with a Ready version: its name, description, default version and the link to its document.</summary>
    private static JsonArray ModelList(IReadOnlyList<ModelVersionRecord> versions)
    {
        var list = new JsonArray();
        foreach (var model in versions.GroupBy(v => v.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rows = model.ToList();
            if (ServedVersion(rows) is not { } served)
            {
                continue;
            }

            var entry = new JsonObject { ["name"] = model.Key, ["defaultVersion"] = served.Version, ["document"] = ModelDocumentPath(model.Key) };
            if (served.Config.Description is { } description)
            {
                entry["description"] = description;
            }

            list.Add(entry);
        }

        return list;
    }

    /// <summary>Prediction operations for any model by name, untyped: each model's own document types them.</summary>
    private static void AddAnyModelPredictions(Context context)
    {
        var body = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "Typed in the model's own document (/models/{name}/openapi.json)" };
        context.AddPrediction("/models/{name}/predict", "predict", ServingTag, "Predict with any model (simple JSON API)", "The default version of the model.", body, body, example: null, v2: false, "name");
        context.AddPrediction("/models/{name}/versions/{version}/predict", "predictVersion", ServingTag, "Predict with a version of any model (simple JSON API)", "The version named.", body, body, example: null, v2: false, "name", "version");
        context.AddPrediction("/v2/models/{name}/infer", "infer", ServingTag, "Infer with any model (Open Inference Protocol V2)", "The default version of the model.", body, body, example: null, v2: true, "name");
        context.AddPrediction("/v2/models/{name}/versions/{version}/infer", "inferVersion", ServingTag, "Infer with a version of any model (Open Inference Protocol V2)", "The version named.", body, body, example: null, v2: true, "name", "version");
    }

    /// <summary>The Ready versions whose inputs are all tensors (what a typed operation can describe), by version.</summary>
    private static List<ModelVersionRecord> Describable(IReadOnlyList<ModelVersionRecord> versions)
        => [.. versions.Where(v => v.Status == ModelStatus.Ready && v.Inputs.All(i => i.IsTensor)).OrderBy(v => v.Version)];

    /// <summary>The version a URL without one serves, when it is Ready and describable; else the highest describable Ready version.</summary>
    private static ModelVersionRecord? ServedVersion(IReadOnlyList<ModelVersionRecord> versions)
    {
        var ready = Describable(versions);
        if (ready.Count == 0)
        {
            return null;
        }

        var chosen = ModelResolver.DefaultOf(versions);
        return chosen is { Status: ModelStatus.Ready } && ready.Contains(chosen) ? chosen : ready[^1];
    }

    /// <summary>An identifier code generators turn into a readable method name: <c>predict_fraud_v2</c>.</summary>
    public static string OperationId(string verb, string model, long? version)
    {
        var id = new StringBuilder(verb).Append('_');
        foreach (var c in model)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return version is { } v ? id.Append(CultureInfo.InvariantCulture, $"_v{v}").ToString() : id.ToString();
    }

    private static void AddServerEndpoints(Context context)
    {
        context.Add("/v2", HttpMethod.Get, ServingTag, "getServerMetadata", "Server metadata: name, version, extensions", permission: null, v2: true);
        context.Add("/v2/health/live", HttpMethod.Get, ServingTag, "getServerLive", "200 while the process runs", permission: null, v2: true, bodyless: true);
        context.Add("/v2/health/ready", HttpMethod.Get, ServingTag, "getServerReady", "200 while the instance can serve; the body names degraded dependencies (503 when it cannot)", permission: null, v2: true);
        context.Add("/v2/repository/index", HttpMethod.Post, ServingTag, "getRepositoryIndex", "Every version with its Triton state and reason", Permission.Read, v2: true);
        context.Add("/v2/models/{name}", HttpMethod.Get, ServingTag, "getModelMetadata", "V2 model metadata of the default version", Permission.Read, v2: true, "name");
        context.Add("/v2/models/{name}/versions/{version}", HttpMethod.Get, ServingTag, "getModelVersionMetadata", "V2 model metadata of a version", Permission.Read, v2: true, "name", "version");
        context.Add("/v2/models/{name}/ready", HttpMethod.Get, ServingTag, "getModelReady", "200 once the default version is loaded here (this call loads it)", Permission.Read, v2: true, "name");
        context.Add("/v2/models/{name}/versions/{version}/ready", HttpMethod.Get, ServingTag, "getModelVersionReady", "200 once the version is loaded here (this call loads it)", Permission.Read, v2: true, "name", "version");
        context.Add("/v2/models/{name}/generate", HttpMethod.Post, ServingTag, "generate", "Generate extension (text-generation models): {text_input, parameters} in, {model_name, model_version, text_output} out", Permission.Predict, v2: true, "name");
        context.Add("/v2/models/{name}/generate_stream", HttpMethod.Post, ServingTag, "generateStream", "Generate extension, streamed: the same objects as server-sent events, one per piece of text", Permission.Predict, v2: true, "name");
        context.Add("/models", HttpMethod.Get, ManagementTag, "listModels", "Every model: default version, counts by status", Permission.Read, v2: false);
        context.Add("/models/{name}", HttpMethod.Get, ManagementTag, "getModel", "A model's versions: status, reason, signature, provider, evaluation, promotion", Permission.Read, v2: false, "name");
        context.Add("/models/{name}/versions/{version}", HttpMethod.Get, ManagementTag, "getModelVersion", "One version", Permission.Read, v2: false, "name", "version");
        context.Add("/models/{name}/evaluations", HttpMethod.Get, ManagementTag, "getModelEvaluations", "The versions side by side on their evaluations: metrics, gates, promotion, the default and why", Permission.Read, v2: false, "name");
        context.Add("/models/{name}/versions/{version}/evaluation", HttpMethod.Get, ManagementTag, "getModelVersionEvaluation", "A version's full evaluation report: per-class figures, confusion matrix, per-output agreement", Permission.Read, v2: false, "name", "version");
        context.Add("/models/{name}/metrics", HttpMethod.Get, ManagementTag, "getModelMetrics", "Monitoring rollups (query: grain=minute|hour, from, to, version, caller)", Permission.Read, v2: false, "name");
        context.Add("/models/{name}/drift", HttpMethod.Get, ManagementTag, "getModelDrift", "Hourly drift against the version's baseline per input, output and feature: PSI, Jensen-Shannon distance, mean shift, flags (query: version, from, to)", Permission.Read, v2: false, "name");
        context.Add("/models/{name}/rollout", HttpMethod.Get, ManagementTag, "getModelRollout", "The model's canary / shadow rollout: the split, its state, each version's live figures beside the gates, shadow agreement and the decisions made", Permission.Read, v2: false, "name");
        context.Add("/models/{name}/openapi.json", HttpMethod.Get, ManagementTag, "getModelContract", "This document for one model", Permission.Read, v2: false, "name");
        context.Add("/openapi.json", HttpMethod.Get, ManagementTag, "getContract", "This document", Permission.Read, v2: false);
    }

    /// <summary>The OpenAI-compatible API (generative models, whose <c>model</c> field names them).</summary>
    private static void AddOpenAiEndpoints(Context context)
    {
        context.AddOpenAi("/v1/chat/completions", HttpMethod.Post, "createChatCompletion", "Chat completion from a text-generation model (OpenAI's shape; stream: true answers server-sent events)", Permission.Predict, ["model", "messages"]);
        context.AddOpenAi("/v1/completions", HttpMethod.Post, "createCompletion", "Text completion from a text-generation model (OpenAI's shape; stream: true answers server-sent events)", Permission.Predict, ["model", "prompt"]);
        context.AddOpenAi("/v1/embeddings", HttpMethod.Post, "createEmbedding", "Embeddings from an embeddings model (OpenAI's shape; encoding_format float or base64, dimensions)", Permission.Predict, ["model", "input"]);
        context.AddOpenAi("/v1/models", HttpMethod.Get, "listOpenAiModels", "The generative models (id, task)", Permission.Read, []);
        context.AddOpenAi("/v1/models/{name}", HttpMethod.Get, "getOpenAiModel", "One generative model", Permission.Read, [], null, "name");
        context.AddOpenAi("/v1/models/{name}/versions/{version}", HttpMethod.Get, "getOpenAiModelVersion", "One version of a generative model", Permission.Read, [], null, "name", "version");

        // The Batch API: a caller's own files and batches (another caller's are 404); batch lines are metered as they run.
        context.AddOpenAi("/v1/files", HttpMethod.Post, "createFile", "Upload a batch input file: multipart/form-data with purpose=batch and file=the JSONL, one {custom_id, method, url, body} per line", Permission.Predict, [], form: ["purpose", "file"]);
        context.AddOpenAi("/v1/files/{id}", HttpMethod.Get, "retrieveFile", "One of your files (id, bytes, filename, purpose)", Permission.Predict, [], null, "id");
        context.AddOpenAi("/v1/files/{id}", HttpMethod.Delete, "deleteFile", "Delete one of your files", Permission.Predict, [], null, "id");
        context.AddOpenAi("/v1/files/{id}/content", HttpMethod.Get, "downloadFile", "A file's content: JSONL (a batch's output lines {id, custom_id, response: {status_code, request_id, body}, error})", Permission.Predict, [], null, "id");
        context.AddOpenAi("/v1/batches", HttpMethod.Post, "createBatch", "Start a batch over an uploaded file: endpoint is any prediction path of this service, completion_window 24h, metadata optional", Permission.Predict, ["input_file_id", "endpoint", "completion_window"]);
        context.AddOpenAi("/v1/batches", HttpMethod.Get, "listBatches", "Your batches, newest first (query: after, limit 1-100)", Permission.Predict, []);
        context.AddOpenAi("/v1/batches/{id}", HttpMethod.Get, "retrieveBatch", "One of your batches: status, request_counts, output and error files, timestamps", Permission.Predict, [], null, "id");
        context.AddOpenAi("/v1/batches/{id}/cancel", HttpMethod.Post, "cancelBatch", "Stop one of your batches: no new chunks start, what ran stays in its output (409 once it has ended)", Permission.Predict, [], null, "id");
    }

    /// <summary>Typed prediction operations of a model: its default version and each Ready version, on both APIs.</summary>
    private static void AddModel(Context context, string name, IReadOnlyList<ModelVersionRecord> versions)
    {
        if (ServedVersion(versions) is not { } byDefault)
        {
            return;
        }

        AddPredictions(context, byDefault, version: null);
        foreach (var version in Describable(versions))
        {
            AddPredictions(context, version, version.Version);
        }
    }

    private static void AddPredictions(Context context, ModelVersionRecord model, long? version)
    {
        var versionPath = version is { } v ? string.Create(CultureInfo.InvariantCulture, $"/versions/{v}") : string.Empty;
        var which = version is null ? $"the default version (now {model.Version})" : $"version {model.Version}";
        var description = $"{model.Config.Description ?? model.Name}: {which}. Inputs: {string.Join(", ", model.Inputs.Select(i => $"{i.Name} {i.Describe()}"))}.";
        if (model.ExampleRuns == false)
        {
            description += $" The example below (zeros, variable dimensions as 1) does not run on this graph: {model.ExampleProblem} Set config.json \"example\" to a request that runs.";
        }

        context.AddPrediction(
            $"/models/{model.Name}{versionPath}/predict",
            OperationId("predict", model.Name, version),
            model.Name,
            $"Predict with {model.Name} (simple JSON API)",
            description,
            PredictionSchemas.SimpleRequest(model),
            PredictionSchemas.SimpleResponse(model),
            PredictionSchemas.SimpleExample(model),
            v2: false,
            model.ExampleRuns);
        context.AddPrediction(
            $"/v2/models/{model.Name}{versionPath}/infer",
            OperationId("infer", model.Name, version),
            model.Name,
            $"Infer with {model.Name} (Open Inference Protocol V2)",
            description,
            PredictionSchemas.V2Request(model),
            PredictionSchemas.V2Response(model),
            PredictionSchemas.V2Example(model),
            v2: true,
            model.ExampleRuns);
    }

    private enum Permission
    {
        Read,
        Predict,
    }

    /// <summary>The document being built, with what every operation shares: security and error responses.</summary>
    private sealed class Context(OpenApiDocument document, OpenApiSecurity? security)
    {
        public void Add(string path, HttpMethod method, string tag, string operationId, string summary, Permission? permission, bool v2, params string[] parameters)
            => Add(path, method, tag, operationId, summary, permission, v2, bodyless: false, parameters);

        public void Add(string path, HttpMethod method, string tag, string operationId, string summary, Permission? permission, bool v2, bool bodyless, params string[] parameters)
        {
            var operation = Operation(tag, operationId, summary, permission, v2);
            operation.Responses!["200"] = bodyless
                ? new OpenApiResponse { Description = "OK" }
                : new OpenApiResponse { Description = "OK", Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } } };
            operation.Parameters = [.. parameters.Select(PathParameter)];
            AddOperation(path, method, operation);
        }

        /// <summary>An OpenAI-compatible operation: a JSON body with <paramref name="required"/> fields (none for a GET), errors in OpenAI's shape.</summary>
        /// <param name="form">The fields of a multipart/form-data body (an upload), instead of a JSON one.</param>
        public void AddOpenAi(string path, HttpMethod method, string operationId, string summary, Permission permission, string[] required, string[]? form = null, params string[] parameters)
        {
            var operation = Operation(OpenAiTag, operationId, summary, permission, v2: false);
            foreach (var status in operation.Responses!.Keys.ToList())
            {
                operation.Responses[status] = new OpenApiResponse
                {
                    Description = operation.Responses[status].Description,
                    Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(OpenAiErrorSchema, document) } },
                };
            }

            if (permission == Permission.Predict && !path.StartsWith("/v1/files", StringComparison.Ordinal) && !path.StartsWith("/v1/batches", StringComparison.Ordinal))
            {
                operation.Responses["429"] = new OpenApiResponse
                {
                    Description = "Too many generations waiting for the model on this instance (Retry-After)",
                    Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(OpenAiErrorSchema, document) } },
                };
            }

            var content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } };
            if (path.EndsWith("completions", StringComparison.Ordinal))
            {
                content[ServerSentEvents.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "data: {chunk} events, then data: [DONE]" } };
            }

            operation.Responses["200"] = new OpenApiResponse { Description = "OK", Content = content };
            if (form is not null)
            {
                operation.RequestBody = ObjectBody("multipart/form-data", form, name => new OpenApiSchema { Type = JsonSchemaType.String, Format = name == "file" ? "binary" : null });
            }
            else if (required.Length > 0)
            {
                operation.RequestBody = ObjectBody("application/json", required, name => new OpenApiSchema { Description = name == "model" ? "<name> or <name>/versions/<version>" : "as OpenAI's API takes it" });
            }

            operation.Parameters = [.. parameters.Select(PathParameter)];
            AddOperation(path, method, operation);
        }

        /// <summary>A required body of <paramref name="mediaType"/>: an object whose <paramref name="fields"/> are all required.</summary>
        private static OpenApiRequestBody ObjectBody(string mediaType, string[] fields, Func<string, OpenApiSchema> field) => new()
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [mediaType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string>(fields),
                        Properties = fields.ToDictionary(name => name, name => (IOpenApiSchema)field(name)),
                    },
                },
            },
        };

        private static IOpenApiParameter PathParameter(string name) => new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Path,
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };

        public void AddPrediction(string path, string operationId, string tag, string summary, string description, IOpenApiSchema request, IOpenApiSchema response, JsonNode? example, bool v2, params string[] parameters)
            => AddPrediction(path, operationId, tag, summary, description, request, response, example, v2, exampleRuns: null, parameters);

        /// <param name="exampleRuns">Whether registration ran the generated example on the graph (<c>x-maas-example-runs</c>); null when not known.</param>
        public void AddPrediction(string path, string operationId, string tag, string summary, string description, IOpenApiSchema request, IOpenApiSchema response, JsonNode? example, bool v2, bool? exampleRuns, params string[] parameters)
        {
            var operation = Operation(tag, operationId, summary, Permission.Predict, v2);
            operation.Description = description;
            operation.Parameters = [.. parameters.Select(PathParameter)];
            if (exampleRuns is { } runs)
            {
                operation.Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal) { [ExampleRunsExtension] = new JsonNodeExtension(JsonValue.Create(runs)) };
            }

            var requestTypes = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = request, Example = example } };
            operation.RequestBody = new OpenApiRequestBody { Required = true, Content = requestTypes };
            operation.Responses!["200"] = new OpenApiResponse
            {
                Description = "The outputs",
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = response } },
            };
            foreach (var (status, why) in new[] { ("413", "Body over Limits:MaxRequestBytes"), ("415", "Unsupported content type"), ("429", "Batch queue full (Retry-After)") })
            {
                operation.Responses[status] = Error(why, v2);
            }

            AddOperation(path, HttpMethod.Post, operation);
        }

        private OpenApiOperation Operation(string tag, string operationId, string summary, Permission? permission, bool v2)
        {
            document.Tags ??= new HashSet<OpenApiTag>();
            if (!document.Tags.Any(t => t.Name == tag))
            {
                document.Tags.Add(new OpenApiTag { Name = tag, Description = TagDescription(tag) });
            }

            var operation = new OpenApiOperation
            {
                OperationId = operationId,
                Summary = summary,
                Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
                Responses = [],
            };
            if (permission is null && security is not null)
            {
                // Anonymous on purpose (health, server metadata): an empty requirement says so.
                operation.Security = [new OpenApiSecurityRequirement()];
            }

            if (permission is { } needed)
            {
                operation.Responses["400"] = Error("Bad input: the message names what was wrong and what was expected", v2);
                operation.Responses["401"] = Error("No or bad bearer token", v2);
                operation.Responses["403"] = Error($"The token lacks {ScopeOf(needed)} (or a model's required role)", v2);
                operation.Responses["404"] = Error("Unknown model or version", v2);
                operation.Responses["409"] = Error("Version not servable (Failed or Removed), with the reason", v2);
                operation.Responses["503"] = Error("Storage or the model's execution provider unavailable now (Retry-After)", v2);
                if (security is not null)
                {
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [needed == Permission.Read ? security.ReadScope : security.PredictScope] },
                    ];
                }
            }

            operation.Responses["500"] = Error("Unexpected: quote the correlation id", v2);
            return operation;
        }

        private static string TagDescription(string tag) => tag switch
        {
            ServingTag => "Open Inference Protocol V2 server, health and repository endpoints",
            ManagementTag => "Models, versions, metrics and this contract",
            OpenAiTag => "The OpenAI-compatible API for generative models: chat, completions, embeddings, models",
            _ => $"Predictions with model {tag}, typed from its ONNX signature",
        };

        private static string ScopeOf(Permission permission) => permission == Permission.Read ? "Models.Read" : "Models.Predict";

        private OpenApiResponse Error(string description, bool v2) => new()
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [v2 ? "application/json" : ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(v2 ? V2ErrorSchema : ProblemSchema, document) },
            },
        };

        private void AddOperation(string path, HttpMethod method, OpenApiOperation operation)
        {
            if (!document.Paths.TryGetValue(path, out var item))
            {
                document.Paths[path] = item = new OpenApiPathItem();
            }

            ((OpenApiPathItem)item).AddOperation(method, operation);
        }
    }
}

/// <summary>Where Entra ID signs callers in, and the API's scopes, for the document's OAuth2 scheme.</summary>
public sealed record OpenApiSecurity(Uri AuthorizationUrl, Uri TokenUrl, string ReadScope, string PredictScope);
