@description('Container registry name (5-50 letters and digits).')
param registryName string

@description('Container Apps environment name.')
param environmentName string

@description('Function App name.')
param appName string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Serverless GPU workload profile the Function App runs on.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfile string

@description('Image to run, as repository:tag in the registry; empty until azd deploy pushes the first one.')
param imageName string

@description('Name of the user-assigned identity the app runs as (it also gets AcrPull on the registry).')
param identityName string

@description('Log Analytics workspace that receives the environment\'s logs.')
param workspaceId string

@description('App settings by name; identity-based, no secrets.')
param appSettings object

@description('Path the platform probes for health.')
param healthCheckPath string

@description('Fewest replicas kept running (0 lets the GPU app scale to zero).')
@minValue(0)
@maxValue(20)
param minimumReplicas int

@description('Most replicas the app may scale to.')
@minValue(1)
@maxValue(100)
param maximumReplicas int

// AcrPull: the app's identity pulls its image; nothing else.
var registryRoleIds = [
  '7f951dda-4ed3-4680-a7ca-43fe172d538d'
]

var gpuProfileName = 'gpu'

// Public placeholder until the first deployment pushes the app's image.
var placeholderImage = 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated8.0'


resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}
resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
  }
}

resource registryRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in registryRoleIds: {
  name: guid(registry.id, identity.id, roleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource environment 'Microsoft.App/managedEnvironments@2026-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfileName
        workloadProfileType: gpuProfile
      }
    ]
  }
}

// Logs go to the workspace through diagnostic settings, so no workspace key is handed to the environment.
// The only stable version of this type (2016-09-01) predates resource-scoped settings; every current template uses this one.
#disable-next-line use-recent-api-versions
resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux,container,azurecontainerapps'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    workloadProfileName: gpuProfileName
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: empty(imageName) ? 'DOCKER|${placeholderImage}' : 'DOCKER|${registry.properties.loginServer}/${imageName}'
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identity.properties.clientId
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: healthCheckPath
      functionAppScaleLimit: maximumReplicas
      minimumElasticInstanceCount: minimumReplicas
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
  }
  dependsOn: [
    registryRoles
  ]
}

output name string = app.name
output hostName string = app.properties.defaultHostName
output registryEndpoint string = registry.properties.loginServer
