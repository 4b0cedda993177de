@description('Elastic Premium plan name.')
param planName string

@description('Function App name.')
param appName string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Elastic Premium size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param sku string

@description('Most instances the plan may burst to.')
@minValue(1)
@maxValue(100)
param maximumBurst int

@description('Instances kept warm and ready at all times.')
@minValue(1)
@maxValue(10)
param alwaysReadyInstances int

@description('Name of the user-assigned identity the app runs as.')
param identityName string

@description('App settings by name; identity-based, no secrets.')
param appSettings object

@description('Path the platform probes for health.')
param healthCheckPath string


resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}
resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: sku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumBurst
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: healthCheckPath
      minimumElasticInstanceCount: alwaysReadyInstances
      preWarmedInstanceCount: alwaysReadyInstances
      functionsRuntimeScaleMonitoringEnabled: false
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
  }
}

// No publishing with user names and passwords: deployments authenticate with Entra ID.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output hostName string = app.properties.defaultHostName
