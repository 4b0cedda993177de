using System.Text.Json;
using System.Text.Json.Nodes;
using Maas.TestKit;

namespace Maas.Infra.Tests;

/// <summary>Security and wiring of infra/main.bicep, asserted on the ARM JSON the Bicep CLI compiles.</summary>
[Collection(UsesCompiledInfra.Name)]
public sealed class MainTemplateTests(CompiledInfra infra)
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultCryptoServiceEncryptionUser = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

    [Fact]
    public void Storage_IsLockedDown()
    {
        var account = Assert.Single(infra.OfType("Microsoft.Storage/storageAccounts"));
        var properties = account["properties"]!;

        Assert.Equal("StorageV2", (string?)account["kind"]);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.True((bool?)properties["supportsHttpsTrafficOnly"]);
        Assert.False((bool?)properties["allowBlobPublicAccess"]);
        Assert.False((bool?)properties["allowSharedKeyAccess"]);
        Assert.True((bool?)properties["encryption"]!["requireInfrastructureEncryption"]);
    }

    [Fact]
    public void Storage_KeepsOverwrittenAndDeletedModelsRecoverable()
    {
        var blobService = Assert.Single(infra.OfType("Microsoft.Storage/storageAccounts/blobServices"))["properties"]!;

        Assert.True((bool?)blobService["isVersioningEnabled"]);
        Assert.True((bool?)blobService["deleteRetentionPolicy"]!["enabled"]);
        Assert.True((bool?)blobService["containerDeleteRetentionPolicy"]!["enabled"]);
    }

    [Fact]
    public void Storage_HasModelsContainerAndTheAppsTables()
    {
        var storage = infra.Modules["storage"];
        var tableNames = storage["properties"]!["template"]!["variables"]!["tableNames"]!.AsArray().Select(n => (string?)n);

        Assert.Equal(["ModelVersions", "MetricsRaw", "MetricsRollup", "Batches"], tableNames);
        Assert.Equal("[parameters('modelsContainerName')]", (string?)storage["properties"]!["parameters"]!["modelsContainerName"]!["value"]);
        Assert.Equal("models", (string?)infra.Template["parameters"]!["modelsContainerName"]!["defaultValue"]);
        Assert.All(infra.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => Assert.Equal("None", (string?)c["properties"]!["publicAccess"]));
    }

    [Fact]
    public void Storage_CapturesAreWriteOnlyForTheApp_AndDeletedAfterTheirRetention()
    {
        var storage = infra.Modules["storage"]["properties"]!["template"]!;
        var variables = storage["variables"]!;
        var condition = (string?)variables["writeOnlyOnCaptures"];
        var assignment = Assert.Single(infra.Resources, r => r.Module == "storage" && (string?)r.Resource["type"] == "Microsoft.Authorization/roleAssignments").Resource["properties"]!;
        var rule = LifecycleRule("delete-old-captures");

        // The blob role (and only it) carries the condition: on the captures container, no reading and no deleting.
        Assert.Equal("[variables('roleIds')[0]]", (string?)variables["blobDataOwner"]);
        Assert.Equal(BlobDataOwner, (string?)variables["roleIds"]![0]);
        Assert.Equal("[if(equals(variables('roleIds')[copyIndex()], variables('blobDataOwner')), variables('writeOnlyOnCaptures'), null())]", (string?)assignment["condition"]);
        Assert.Equal("[if(equals(variables('roleIds')[copyIndex()], variables('blobDataOwner')), '2.0', null())]", (string?)assignment["conditionVersion"]);
        foreach (var action in new[] { "read", "delete", "deleteBlobVersion/action", "permanentDelete/action" })
        {
            // The compiled format() string doubles braces and quotes.
            Assert.Contains("!(ActionMatches{{''Microsoft.Storage/storageAccounts/blobServices/containers/blobs/" + action + "''}})", condition, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("blobs/write", condition, StringComparison.Ordinal);
        Assert.DoesNotContain("blobs/add/action", condition, StringComparison.Ordinal);
        Assert.Contains("StringNotEquals", condition, StringComparison.Ordinal);
        Assert.Contains("parameters('captureContainerName')", condition, StringComparison.Ordinal);

        Assert.Equal(["[format('{0}/', parameters('captureContainerName'))]"], rule["filters"]!["prefixMatch"]!.AsArray().Select(p => (string?)p));
        Assert.Contains("appendBlob", rule["filters"]!["blobTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("[parameters('captureRetentionDays')]", (string?)rule["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]);
        Assert.Equal(30, (int?)infra.Template["parameters"]!["captureRetentionDays"]!["defaultValue"]);
        Assert.Contains(infra.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => ((string?)c["name"])!.Contains("parameters('captureContainerName')", StringComparison.Ordinal));
    }

    [Fact]
    public void Storage_BatchContainersExistAndTheirFilesAreDeletedAfterBatchRetention()
    {
        var rule = LifecycleRule("delete-old-batch-files");
        var containers = infra.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(c => (string?)c["name"]).ToList();
        var storage = infra.Modules["storage"]["properties"]!["parameters"]!;

        Assert.Equal(["[format('{0}/', parameters('batchFilesContainerName'))]", "[format('{0}/', parameters('batchDropContainerName'))]"], rule["filters"]!["prefixMatch"]!.AsArray().Select(p => (string?)p));
        Assert.Equal("[parameters('batchRetentionDays')]", (string?)rule["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]);
        Assert.Contains(containers, c => c!.Contains("parameters('batchFilesContainerName')", StringComparison.Ordinal));
        Assert.Contains(containers, c => c!.Contains("parameters('batchDropContainerName')", StringComparison.Ordinal));
        Assert.Equal(("batch-files", "batches"), ((string?)storage["batchFilesContainerName"]!["value"], (string?)storage["batchDropContainerName"]!["value"]));
        Assert.Equal(30, (int?)infra.Template["parameters"]!["batchRetentionDays"]!["defaultValue"]);
    }

    private System.Text.Json.Nodes.JsonNode LifecycleRule(string name)
        => Assert.Single(
            Assert.Single(infra.OfType("Microsoft.Storage/storageAccounts/managementPolicies"))["properties"]!["policy"]!["rules"]!.AsArray(),
            r => (string?)r!["name"] == name)!["definition"]!;

    [Fact]
    public void CustomerManagedKey_IsARotatingKeyInAPurgeProtectedVault_UnwrappedByTheAppsIdentity()
    {
        var vault = Assert.Single(infra.OfType("Microsoft.KeyVault/vaults"))["properties"]!;
        var key = Assert.Single(infra.Resources, r => (string?)r.Resource["type"] == "Microsoft.KeyVault/vaults/keys");
        var keyRoles = infra.Resources.Where(r => r.Module == "keyVault" && (string?)r.Resource["type"] == "Microsoft.Authorization/roleAssignments").Select(r => r.Resource).ToList();
        var keyVariables = infra.Modules["keyVault"]["properties"]!["template"]!["variables"]!;
        var keyUser = Assert.Single(keyRoles, r => ((string?)r["properties"]!["roleDefinitionId"])!.Contains("cryptoServiceEncryptionUser", StringComparison.Ordinal));
        var secretsReader = Assert.Single(keyRoles, r => ((string?)r["properties"]!["roleDefinitionId"])!.Contains("secretsUser", StringComparison.Ordinal));
        var account = Assert.Single(infra.OfType("Microsoft.Storage/storageAccounts"));
        var encryption = account["properties"]!["encryption"]!;

        Assert.True((bool?)vault["enablePurgeProtection"]);
        Assert.True((bool?)vault["enableSoftDelete"]);
        Assert.True((bool?)vault["enableRbacAuthorization"]);
        Assert.Equal("[parameters('customerManagedKey')]", (string?)key.Resource["condition"]);
        Assert.Equal("RSA", (string?)key.Resource["properties"]!["kty"]);
        Assert.Contains(key.Resource["properties"]!["rotationPolicy"]!["lifetimeActions"]!.AsArray(), a => (string?)a!["action"]!["type"] == "rotate");

        Assert.Equal(KeyVaultCryptoServiceEncryptionUser, (string?)keyVariables["cryptoServiceEncryptionUser"]);
        Assert.Equal("[parameters('customerManagedKey')]", (string?)keyUser["condition"]);
        Assert.Contains("Microsoft.KeyVault/vaults/keys", (string?)keyUser["scope"], StringComparison.Ordinal);
        Assert.Equal(KeyVaultSecretsUser, (string?)keyVariables["secretsUser"]);
        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults', parameters('name'))]", (string?)secretsReader["scope"]);

        Assert.Equal("[if(parameters('customerManagedKey'), 'Microsoft.Keyvault', 'Microsoft.Storage')]", (string?)encryption["keySource"]);
        Assert.Contains("'keyvaulturi', parameters('keyVaultUri')", (string?)encryption["keyvaultproperties"], StringComparison.Ordinal);
        Assert.DoesNotContain("keyversion", (string?)encryption["keyvaultproperties"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("userAssignedIdentity", (string?)encryption["identity"], StringComparison.Ordinal);
        Assert.Contains("UserAssigned", (string?)account["identity"], StringComparison.Ordinal);
        Assert.True((bool?)encryption["requireInfrastructureEncryption"]);
        Assert.False((bool?)infra.Template["parameters"]!["customerManagedKey"]!["defaultValue"]);
    }

    [Fact]
    public void EventGrid_SendsTheModelsContainersDeletionsToTheQueueAsTheAppsIdentity()
    {
        var topic = Assert.Single(infra.OfType("Microsoft.EventGrid/systemTopics"));
        var subscription = Assert.Single(infra.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"))["properties"]!;
        var delivery = subscription["deliveryWithResourceIdentity"]!;

        Assert.Equal("Microsoft.Storage.StorageAccounts", (string?)topic["properties"]!["topicType"]);
        Assert.Equal(["Microsoft.Storage.BlobDeleted"], subscription["filter"]!["includedEventTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("[format('/blobServices/default/containers/{0}/', parameters('modelsContainerName'))]", (string?)subscription["filter"]!["subjectBeginsWith"]);
        Assert.Equal("StorageQueue", (string?)delivery["destination"]!["endpointType"]);
        Assert.Equal("UserAssigned", (string?)delivery["identity"]!["type"]);
        Assert.Contains(infra.OfType("Microsoft.Storage/storageAccounts/queueServices/queues"), q => ((string?)q["name"])!.Contains("deletionQueueName", StringComparison.Ordinal));
        Assert.Contains("subscribe-model-uploads.sh", File.ReadAllText(RepoPaths.Combine("azure.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationInsights_IsWorkspaceBasedWithLocalAuthDisabled()
    {
        var component = Assert.Single(infra.OfType("Microsoft.Insights/components"))["properties"]!;

        Assert.True((bool?)component["DisableLocalAuth"]);
        Assert.NotNull(component["WorkspaceResourceId"]);
    }

    [Theory]
    [InlineData("storage", "Microsoft.Storage/storageAccounts", new[] { BlobDataOwner, QueueDataContributor, TableDataContributor })]
    [InlineData("monitoring", "Microsoft.Insights/components", new[] { MetricsPublisher })]
    [InlineData("gpu", "Microsoft.ContainerRegistry/registries", new[] { AcrPull })]
    public void RoleAssignments_GrantOnlyTheNeededRolesScopedToTheirResource(string module, string scopeType, string[] roleIds)
    {
        var template = infra.Modules[module]["properties"]!["template"]!;
        var assignment = Assert.Single(infra.Resources, r => r.Module == module && (string?)r.Resource["type"] == "Microsoft.Authorization/roleAssignments").Resource;
        var loopRoles = template["variables"]!.AsObject().Single(v => v.Key.EndsWith("oleIds", StringComparison.Ordinal)).Value!.AsArray().Select(r => (string?)r);
        var scopedResource = Assert.Single(infra.Resources, r => r.Module == module && (string?)r.Resource["type"] == scopeType).Resource;

        Assert.Equal(roleIds, loopRoles);
        Assert.NotNull(assignment["copy"]);
        Assert.StartsWith("[guid(", (string?)assignment["name"], StringComparison.Ordinal);
        Assert.Contains("Microsoft.Authorization/roleDefinitions", (string?)assignment["properties"]!["roleDefinitionId"], StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
        Assert.Contains(ResourceIdTypeOf(scopedResource), (string?)assignment["scope"], StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApps_AreHttpsOnlyWithTls12AndFtpsOff()
    {
        var sites = infra.OfType("Microsoft.Web/sites").ToList();

        Assert.Equal(2, sites.Count);
        Assert.All(sites, site =>
        {
            Assert.True((bool?)site["properties"]!["httpsOnly"]);
            Assert.Equal("Disabled", (string?)site["properties"]!["siteConfig"]!["ftpsState"]);
            Assert.Equal("1.2", (string?)site["properties"]!["siteConfig"]!["minTlsVersion"]);
            Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
            Assert.Equal("[parameters('healthCheckPath')]", (string?)site["properties"]!["siteConfig"]!["healthCheckPath"]);
        });
        Assert.Equal("/v2/health/ready", (string?)infra.Template["variables"]!["healthCheckPath"]);
    }

    [Fact]
    public void PremiumHosting_IsLinuxElasticPremiumOnDotnetIsolated10_AndOnlyWithoutGpu()
    {
        var plan = Assert.Single(infra.Resources, r => (string?)r.Resource["type"] == "Microsoft.Web/serverfarms");
        var site = Assert.Single(infra.Resources, r => r.Module == "premium" && (string?)r.Resource["type"] == "Microsoft.Web/sites").Resource;

        Assert.Equal("premium", plan.Module);
        Assert.Equal("[not(variables('isGpu'))]", plan.Condition);
        Assert.Equal("ElasticPremium", (string?)plan.Resource["sku"]!["tier"]);
        Assert.True((bool?)plan.Resource["properties"]!["reserved"]);
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("DOTNET-ISOLATED|10.0", (string?)site["properties"]!["siteConfig"]!["linuxFxVersion"]);
        Assert.Equal(["EP1", "EP2", "EP3"], infra.Template["parameters"]!["premiumSku"]!["allowedValues"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(2, infra.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").Count());
        Assert.DoesNotContain(infra.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"), p => (bool?)p["properties"]!["allow"] != false);
    }

    [Fact]
    public void GpuHosting_IsAServerlessGpuProfileOnContainerApps_AndOnlyInGpuMode()
    {
        var environment = Assert.Single(infra.Resources, r => (string?)r.Resource["type"] == "Microsoft.App/managedEnvironments");
        var site = Assert.Single(infra.Resources, r => r.Module == "gpu" && (string?)r.Resource["type"] == "Microsoft.Web/sites").Resource;
        var registry = Assert.Single(infra.OfType("Microsoft.ContainerRegistry/registries"));

        Assert.Equal("[variables('isGpu')]", environment.Condition);
        Assert.Contains(environment.Resource["properties"]!["workloadProfiles"]!.AsArray(), p => (string?)p!["workloadProfileType"] == "[parameters('gpuProfile')]");
        Assert.Equal(["Consumption-GPU-NC8as-T4", "Consumption-GPU-NC24-A100"], infra.Template["parameters"]!["gpuProfile"]!["allowedValues"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("functionapp,linux,container,azurecontainerapps", (string?)site["kind"]);
        Assert.Equal("[variables('gpuProfileName')]", (string?)site["properties"]!["workloadProfileName"]);
        Assert.True((bool?)site["properties"]!["siteConfig"]!["acrUseManagedIdentityCreds"]);
        Assert.False((bool?)registry["properties"]!["adminUserEnabled"]);
    }

    [Theory]
    [InlineData("cpu.bicepparam", "premium")]
    [InlineData("gpu.bicepparam", "gpu")]
    public void ParameterFiles_ChooseTheirPlan(string file, string plan)
        => Assert.Equal(plan, (string?)infra.ParameterFiles[file]["parameters"]!["hostingPlan"]!["value"]);

    [Theory]
    [InlineData("premium")]
    [InlineData("gpu")]
    public void AppSettings_AzureNeedsAndNonDefaults_AreSetAndDefaultsAreNotRepeated(string module)
    {
        var settings = (string?)infra.Modules[module]["properties"]!["parameters"]!["appSettings"]!["value"];

        foreach (var part in new[] { "blobServiceUri", "queueServiceUri", "tableServiceUri", "credential", "clientId" })
        {
            Assert.Contains($"'AzureWebJobsStorage__{part}'", settings, StringComparison.Ordinal);
        }

        Assert.Contains("'ModelStorage__blobServiceUri'", settings, StringComparison.Ordinal);
        Assert.Contains("'ModelStorage__tableServiceUri'", settings, StringComparison.Ordinal);
        Assert.Contains("'ModelStorage__queueServiceUri'", settings, StringComparison.Ordinal);
        Assert.Contains("'AzureWebJobs.RegisterModel.Disabled', 'true'", settings, StringComparison.Ordinal);
        Assert.Contains("'Auth__Mode', 'EntraId'", settings, StringComparison.Ordinal);
        foreach (var bound in new[] { "MetricsAggregationSchedule", "ReconcileSchedule", "Registry__ContainerName", "AzureAd__TenantId", "AzureAd__ClientId" })
        {
            Assert.Contains($"'{bound}'", settings, StringComparison.Ordinal);
        }

        Assert.Contains("'Capture__HashKey', reference('keyVault').outputs.captureHashKeyReference.value", settings, StringComparison.Ordinal);
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName=", (string?)infra.Modules["keyVault"]["properties"]!["template"]!["outputs"]!["captureHashKeyReference"]!["value"], StringComparison.Ordinal);
        Assert.Contains("'Inference__ExecutionProvider', 'Cuda'", settings, StringComparison.Ordinal);
        foreach (var setting in new[] { "Limits__MaxRequestBytes", "Inference__GraphOptimization", "Inference__AllowSpinning", "Monitoring__FlushInterval", "Registry__MaxModelBytes" })
        {
            Assert.DoesNotContain($"'{setting}'", settings, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Template_HasNoSecretsAnywhere()
    {
        var text = infra.Template.ToJsonString();

        Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("securestring", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Outputs_AreWhatAzdNeedsAndNothingSecret()
    {
        var outputs = infra.Template["outputs"]!.AsObject();

        Assert.Equal(
            ["AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_EVENT_GRID_TOPIC_NAME", "AZURE_KEY_VAULT_NAME", "AZURE_LOCATION", "AZURE_RESOURCE_GROUP", "AZURE_STORAGE_ACCOUNT_NAME", "SERVICE_API_ENDPOINT", "SERVICE_API_NAME"],
            outputs.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.All(outputs, output => Assert.Equal("string", (string?)output.Value!["type"]));
        Assert.DoesNotContain("connectionString", outputs.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parameters_EveryOneIsDescribed_InMainAndEveryModule()
    {
        var templates = infra.Modules.Values.Select(m => m["properties"]!["template"]!.AsObject()).Append(infra.Template);

        Assert.All(templates, template => Assert.All(
            template["parameters"]!.AsObject(),
            parameter => Assert.False(string.IsNullOrWhiteSpace((string?)parameter.Value!["metadata"]?["description"]), $"{parameter.Key} has no @description")));
    }

    [Fact]
    public void AzureYaml_ProvisionsInfraMainAndDeploysTheFunctionsProject()
    {
        var yaml = File.ReadAllText(RepoPaths.Combine("azure.yaml"));

        Assert.Contains("path: infra", yaml, StringComparison.Ordinal);
        Assert.Contains("module: main", yaml, StringComparison.Ordinal);
        Assert.Contains("project: ./src/Maas.Functions", yaml, StringComparison.Ordinal);
        using var azdParameters = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("infra", "main.parameters.json")));
        Assert.Equal("${AZURE_ENV_NAME}", azdParameters.RootElement.GetProperty("parameters").GetProperty("environmentName").GetProperty("value").GetString());
    }

    private static string ResourceIdTypeOf(JsonObject resource) => $"'{(string?)resource["type"]}'";
}
