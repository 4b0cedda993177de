@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the user-assigned identity that gets data-plane roles on this account.')
param identityName string

// Monitoring Metrics Publisher: the identity publishes telemetry to Application Insights (local auth is off).
var roleIds = [
  '3913510d-42f4-4e42-8a64-420c390055eb'
]


resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}
resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in roleIds: {
  name: guid(applicationInsights.id, identity.id, roleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

output workspaceId string = workspace.id
output connectionString string = applicationInsights.properties.ConnectionString

// The Azure Monitor workbook over the app's telemetry (infra/modules/maas-workbook.json): throughput, failures, latency
// and sessions per model and version. Workbook resource names must be GUIDs.
resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsights.id, 'maas-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Maas.Functions (${applicationInsightsName})'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: loadTextContent('maas-workbook.json')
  }
}

output workbookId string = workbook.id
