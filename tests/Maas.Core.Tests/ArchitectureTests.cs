using System.Reflection;
using System.Reflection.Emit;
using Maas.Core.Registry;

namespace Maas.Core.Tests;

public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(ModelBlobPath).Assembly;

    /// <summary>IL opcodes by value, for reading method bodies (declared first: the graph below is built from it).</summary>
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>Every Maas.Core namespace and the namespaces its types use (signatures and method bodies, read from the IL).</summary>
    private static readonly Dictionary<string, HashSet<string>> Dependencies = NamespaceDependencies();

    [Fact]
    public void CoreAssembly_ReferencesNothingOfAzureFunctions()
    {
        var references = Core.GetReferencedAssemblies().Select(reference => reference.Name ?? string.Empty);

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Azure.Functions", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void NamespaceDependencies_SeeReferencesInSignaturesAndBodies()
    {
        // Serving names Inference types in signatures; V2 calls the JSON reader only inside method bodies.
        Assert.Contains("Maas.Core.Inference", Dependencies["Maas.Core.Serving"]);
        Assert.Contains("Maas.Core.Json", Dependencies["Maas.Core.Protocol.V2"]);
        Assert.Contains("Maas.Core.Errors", Dependencies["Maas.Core.Json"]);
    }

    [Fact]
    public void CoreNamespaces_FormNoCycles()
    {
        var cycles = StronglyConnected(Dependencies).Where(component => component.Count > 1).Select(c => string.Join(" <-> ", c.Order(StringComparer.Ordinal))).ToList();

        Assert.True(cycles.Count == 0, "Namespaces that depend on each other: " + string.Join("; ", cycles));
    }

    /// <summary>The model schema (version record, config.json and its blocks, signatures, status) knows no capability: it uses only the error kinds.</summary>
    [Fact]
    public void Models_UseNoCapability() => Assert.Empty(Dependencies["Maas.Core.Models"].Except(["Maas.Core.Errors"]));

    /// <summary>Telemetry (the meter and activity source) is a leaf any layer may use: it uses none.</summary>
    [Fact]
    public void Telemetry_UsesNoOtherCoreNamespace() => Assert.Empty(Dependencies["Maas.Core.Telemetry"]);

    /// <summary>The folders under src/Maas.Core (namespaces collapsed to their top level) depend on each other in one direction only.</summary>
    [Fact]
    public void CoreFolders_FormNoCycles()
    {
        var folders = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (from, targets) in Dependencies)
        {
            var folder = FolderOf(from);
            var edges = folders.TryGetValue(folder, out var known) ? known : folders[folder] = new HashSet<string>(StringComparer.Ordinal);
            edges.UnionWith(targets.Select(FolderOf).Where(target => target != folder));
        }

        var cycles = StronglyConnected(folders).Where(component => component.Count > 1).Select(c => string.Join(" <-> ", c.Order(StringComparer.Ordinal))).ToList();

        Assert.True(cycles.Count == 0, "Folders that depend on each other: " + string.Join("; ", cycles));
    }

    [Theory]
    [InlineData("Maas.Core.Errors", new[] { "Maas.Core.Registry", "Maas.Core.Inference", "Maas.Core.Serving", "Maas.Core.Protocol" })]
    [InlineData("Maas.Core.Registry", new[] { "Maas.Core.Inference", "Maas.Core.Evaluation", "Maas.Core.Serving", "Maas.Core.Protocol", "Maas.Core.Catalog", "Maas.Core.Capture", "Maas.Core.Drift" })]
    [InlineData("Maas.Core.Inference", new[] { "Maas.Core.Serving", "Maas.Core.Protocol", "Maas.Core.Catalog", "Maas.Core.Capture", "Maas.Core.Drift" })]
    [InlineData("Maas.Core.Evaluation", new[] { "Maas.Core.Serving", "Maas.Core.Protocol", "Maas.Core.Catalog", "Maas.Core.Capture", "Maas.Core.Drift" })]
    [InlineData("Maas.Core.Capture", new[] { "Maas.Core.Catalog", "Maas.Core.Protocol", "Maas.Core.Drift" })]
    [InlineData("Maas.Core.Drift", new[] { "Maas.Core.Catalog", "Maas.Core.Protocol" })]
    [InlineData("Maas.Core.Generation", new[] { "Maas.Core.Serving", "Maas.Core.Protocol", "Maas.Core.Catalog", "Maas.Core.Capture", "Maas.Core.Drift", "Maas.Core.Monitoring" })]
    [InlineData("Maas.Core.Json", new[] { "Maas.Core.Protocol", "Maas.Core.Serving", "Maas.Core.Capture", "Maas.Core.Drift", "Maas.Core.Monitoring", "Maas.Core.Catalog" })]
    [InlineData("Maas.Core.Serving", new[] { "Maas.Core.Protocol", "Maas.Core.Catalog", "Maas.Core.Capture", "Maas.Core.Drift", "Maas.Core.Generation" })]
    [InlineData("Maas.Core.Monitoring", new[] { "Maas.Core.Inference", "Maas.Core.Serving", "Maas.Core.Protocol", "Maas.Core.Capture", "Maas.Core.Drift" })]
    public void LowerLayer_UsesNoHigherLayer(string layer, string[] higher)
    {
        var used = Dependencies.Where(pair => InNamespace(pair.Key, layer) && !higher.Any(h => InNamespace(pair.Key, h)))
            .SelectMany(pair => pair.Value.Select(target => (From: pair.Key, To: target)))
            .Where(edge => higher.Any(h => InNamespace(edge.To, h)))
            .Select(edge => $"{edge.From} -> {edge.To}")
            .ToList();

        Assert.True(used.Count == 0, "Layering broken: " + string.Join("; ", used));
    }

    /// <summary>Batch jobs run lines through the protocols and the data plane as a transport does: nothing else in Core uses them.</summary>
    [Fact]
    public void Batch_IsUsedByNoOtherCoreNamespace()
        => Assert.Empty(Dependencies.Where(pair => !InNamespace(pair.Key, "Maas.Core.Batch") && pair.Value.Contains("Maas.Core.Batch")).Select(pair => pair.Key));

    [Fact]
    public void V2WireTypes_AreUsedOnlyInsideProtocolV2()
    {
        // The OpenAPI contract documents the V2 wire, so it names V2 datatypes too.
        var users = Dependencies.Where(pair => !InNamespace(pair.Key, "Maas.Core.Protocol.V2") && pair.Key is not ("Maas.Core" or "Maas.Core.Protocol.OpenApi") && pair.Value.Contains("Maas.Core.Protocol.V2"))
            .Select(pair => pair.Key)
            .ToList();

        Assert.Empty(users);
    }

    /// <summary>The top-level folder of a namespace: <c>Maas.Core.Protocol.V2</c> is <c>Maas.Core.Protocol</c>.</summary>
    private static string FolderOf(string name) => string.Join('.', name.Split('.').Take(3));

    private static bool InNamespace(string name, string root) => name == root || name.StartsWith(root + ".", StringComparison.Ordinal);

    private static Dictionary<string, HashSet<string>> NamespaceDependencies()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in Core.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null || from == "Maas.Core")
            {
                continue; // The composition root (service registration) wires every namespace together.
            }

            var targets = graph.TryGetValue(from, out var known) ? known : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in TypesUsedBy(type))
            {
                if (NamespaceOf(used) is { } to && to != from && used.Assembly == Core)
                {
                    targets.Add(to);
                }
            }
        }

        return graph;
    }

    private static string? NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Namespace;
    }

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var signature = new List<Type?> { type.BaseType };
        signature.AddRange(type.GetInterfaces());
        signature.AddRange(type.GetFields(All).Select(f => f.FieldType));
        signature.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        IEnumerable<MethodBase> methods = [.. type.GetMethods(All), .. type.GetConstructors(All)];
        foreach (var method in methods)
        {
            if (method is MethodInfo info)
            {
                signature.Add(info.ReturnType);
            }

            signature.AddRange(method.GetParameters().Select(p => p.ParameterType));
            signature.AddRange(TypesInBody(method));
        }

        return signature.OfType<Type>().SelectMany(Expand);
    }

    /// <summary>A type with its generic arguments and element type, e.g. <c>List&lt;TensorSignature&gt;[]</c> gives TensorSignature too.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Expand(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }

    /// <summary>The types whose members or tokens a method body names (calls, fields, casts, object creation).</summary>
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            var operand = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var member = Resolve(method, BitConverter.ToInt32(il, i));
                if (member is Type used)
                {
                    yield return used;
                }
                else if (member?.DeclaringType is { } declaring)
                {
                    yield return declaring;
                }
            }

            i += operand;
        }
    }

    private static MemberInfo? Resolve(MethodBase method, int token)
    {
        try
        {
            var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
            var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
            return method.Module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null; // A token of another module's generic context: not one of ours.
        }
    }

    /// <summary>Tarjan's strongly connected components of the namespace graph.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
