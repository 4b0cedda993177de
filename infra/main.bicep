targetScope = 'subscription'

@description('Name of the environment (azd sets it); used in resource names and tags.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region for every resource.')
param location string

@description('Where the app runs: premium (Elastic Premium, CPU) or gpu (Container Apps serverless GPU).')
@allowed([
  'premium'
  'gpu'
])
param hostingPlan string = 'premium'

@description('Elastic Premium size (premium hosting).')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param premiumSku string = 'EP1'

@description('Most instances the Elastic Premium plan may burst to (premium hosting).')
@minValue(1)
@maxValue(100)
param maximumBurst int = 20

@description('Instances kept warm (premium hosting), or fewest replicas (gpu hosting; 0 scales to zero).')
@minValue(0)
@maxValue(10)
param alwaysReadyInstances int = 1

@description('Serverless GPU workload profile (gpu hosting).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfile string = 'Consumption-GPU-NC8as-T4'

@description('Most replicas of the GPU app (gpu hosting).')
@minValue(1)
@maxValue(100)
param gpuMaximumReplicas int = 4

@description('Container image (repository:tag in the environment\'s registry) for gpu hosting; azd fills it on deploy.')
param gpuImageName string = ''

@description('Application (client) id of the API\'s Microsoft Entra ID app registration.')
param apiClientId string

@description('Tenant of that app registration.')
param apiTenantId string = tenant().tenantId

@description('Blob container the app registers models from.')
param modelsContainerName string = 'models'

@description('Blob container captured calls (config.json capture) are written to.')
param captureContainerName string = 'captures'

@description('Days captured calls are kept before they are deleted.')
@minValue(1)
@maxValue(3650)
param captureRetentionDays int = 30

@description('Days the Batch API\'s files and dropped batches are kept before they are deleted (the app\'s Batch:RetentionDays).')
@minValue(1)
@maxValue(3650)
param batchRetentionDays int = 30

@description('Encrypt the storage account with a customer-managed RSA key in Key Vault (purge-protected, rotated yearly) instead of a Microsoft-managed key.')
param customerManagedKey bool = false

@description('App settings to add or override (Inference__*, Limits__*, Monitoring__*, schedules); never secrets.')
param appSettingOverrides object = {}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var isGpu = hostingPlan == 'gpu'
var healthCheckPath = '/v2/health/ready'
var identityName = 'id-${resourceToken}'

resource group 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: group
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: group
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    identityName: identityName
    customerManagedKey: customerManagedKey
    captureHashKeySecretName: 'capture-hash-key'
  }
  // The module reads the identity by name (a value known up front, so role assignment names are too).
  dependsOn: [
    identity
  ]
}

module storage 'modules/storage.bicep' = {
  scope: group
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    modelsContainerName: modelsContainerName
    identityName: identityName
    deletionQueueName: 'model-deletions'
    captureContainerName: captureContainerName
    captureRetentionDays: captureRetentionDays
    batchFilesContainerName: 'batch-files'
    batchDropContainerName: 'batches'
    batchRetentionDays: batchRetentionDays
    customerManagedKey: customerManagedKey
    keyVaultUri: keyVault.outputs.uri
    keyName: keyVault.outputs.storageKeyName
  }
  // The module reads the identity by name (a value known up front); the key vault's outputs order it after the vault,
  // so the identity's key role exists before the account is encrypted with the key.
  dependsOn: [
    identity
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  scope: group
  params: {
    workspaceName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    identityName: identityName
  }
  // The module reads the identity by name (a value known up front, so role assignment names are too).
  dependsOn: [
    identity
  ]
}

// What Azure needs (host, identity-based storage, telemetry, Entra ID, the settings the triggers bind to) and what
// differs from the code's defaults; every other setting keeps its default (see the README) unless appSettingOverrides sets it.
var settings = union(
  {
    FUNCTIONS_EXTENSION_VERSION: '~4'
    FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
    AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
    AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
    AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.outputs.clientId
    ModelStorage__blobServiceUri: storage.outputs.blobEndpoint
    ModelStorage__tableServiceUri: storage.outputs.tableEndpoint
    ModelStorage__queueServiceUri: storage.outputs.queueEndpoint
    ModelStorage__credential: 'managedidentity'
    ModelStorage__clientId: identity.outputs.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.outputs.clientId}'
    // The default, stated so that a deployment can never run with authentication off.
    Auth__Mode: 'EntraId'
    AzureAd__Instance: environment().authentication.loginEndpoint
    AzureAd__TenantId: apiTenantId
    AzureAd__ClientId: apiClientId
    // The host resolves these in the trigger bindings (%...%): they must exist as app settings.
    MetricsAggregationSchedule: '0 */5 * * * *'
    ReconcileSchedule: '0 */10 * * * *'
    Registry__ContainerName: modelsContainerName
    // Registration is driven by Event Grid here (the polling trigger is for Azurite): see RegisterModel.
    'AzureWebJobs.RegisterModel.Disabled': 'true'
    Capture__ContainerName: captureContainerName
    // Never a literal: the secret operators create in the vault (README, Privacy), read as the app's identity.
    Capture__HashKey: keyVault.outputs.captureHashKeyReference
    // The dropped-batch trigger binds to it (%Batch:DropContainer%); the retention the lifecycle rule applies.
    Batch__DropContainer: 'batches'
    Batch__RetentionDays: string(batchRetentionDays)
  },
  isGpu ? {
    Inference__ExecutionProvider: 'Cuda'
    Inference__MaxCachedModelBytes: '12884901888'
  } : {},
  isGpu ? {} : {
    // Elastic Premium without shared keys runs the package from blob storage, read with the managed identity.
    WEBSITE_RUN_FROM_PACKAGE: '${storage.outputs.blobEndpoint}${storage.outputs.deploymentContainerName}/maas-functions.zip'
    WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identity.outputs.id
  },
  appSettingOverrides)

module premium 'modules/premium-hosting.bicep' = if (!isGpu) {
  scope: group
  params: {
    planName: 'plan-${resourceToken}'
    appName: 'func-${resourceToken}'
    location: location
    tags: tags
    sku: premiumSku
    maximumBurst: maximumBurst
    alwaysReadyInstances: max(alwaysReadyInstances, 1)
    identityName: identityName
    appSettings: settings
    healthCheckPath: healthCheckPath
  }
}

module gpu 'modules/gpu-hosting.bicep' = if (isGpu) {
  scope: group
  params: {
    registryName: 'cr${resourceToken}'
    environmentName: 'cae-${resourceToken}'
    appName: 'func-${resourceToken}'
    location: location
    tags: tags
    gpuProfile: gpuProfile
    imageName: gpuImageName
    identityName: identityName
    workspaceId: monitoring.outputs.workspaceId
    appSettings: settings
    healthCheckPath: healthCheckPath
    minimumReplicas: alwaysReadyInstances
    maximumReplicas: gpuMaximumReplicas
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output SERVICE_API_NAME string = isGpu ? gpu!.outputs.name : premium!.outputs.name
output SERVICE_API_ENDPOINT string = 'https://${isGpu ? gpu!.outputs.hostName : premium!.outputs.hostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_EVENT_GRID_TOPIC_NAME string = storage.outputs.eventTopicName
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = isGpu ? gpu!.outputs.registryEndpoint : ''
