@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Blob container the app registers models from.')
param modelsContainerName string

@description('Name of the user-assigned identity that gets data-plane roles on this account.')
param identityName string

@description('Days a deleted or overwritten model blob stays recoverable.')
param softDeleteDays int = 14

@description('Storage queue Event Grid delivers the models container\'s BlobDeleted events to (read by the RemoveModel function).')
param deletionQueueName string

@description('Blob container captured calls are written to; the app may only write there.')
param captureContainerName string

@description('Days a captured call is kept before lifecycle management deletes it.')
@minValue(1)
param captureRetentionDays int

@description('Blob container of the Batch API\'s files (inputs, outputs, error files) and the chunks\' results.')
param batchFilesContainerName string

@description('Blob container watched for dropped batch inputs (<model>/<anything>.jsonl); their results land beside them.')
param batchDropContainerName string

@description('Days batch files and dropped batches are kept before lifecycle management deletes them.')
@minValue(1)
param batchRetentionDays int

@description('Encrypt with the customer-managed key in Key Vault (auto-rotated) instead of a Microsoft-managed key.')
param customerManagedKey bool

@description('URI of the Key Vault holding the customer-managed key (used when customerManagedKey is true).')
param keyVaultUri string

@description('Name of the customer-managed key in that vault (used when customerManagedKey is true).')
param keyName string

// Storage Blob Data Owner (host leases and blob receipts, models; write-only on captures), Storage Queue Data
// Contributor (blob trigger queues), Storage Table Data Contributor (registry, metrics): what the Functions host and the
// app need, nothing wider.
var roleIds = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

var blobDataOwner = roleIds[0]

// The app writes captured calls but never reads or deletes them: on the captures container the blob role is narrowed
// to writing (readers of captures are granted Storage Blob Data Reader on that container by whoever needs them).
var writeOnlyOnCaptures = '((!(ActionMatches{\'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/deleteBlobVersion/action\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/permanentDelete/action\'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringNotEquals \'${captureContainerName}\'))'

var tableNames = [
  'ModelVersions'
  'MetricsRaw'
  'MetricsRollup'
  'Batches'
]


resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}
resource account 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  // With a customer-managed key the account reaches Key Vault as the app's identity.
  identity: customerManagedKey ? {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  } : null
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    encryption: {
      keySource: customerManagedKey ? 'Microsoft.Keyvault' : 'Microsoft.Storage'
      // No key version: storage follows the key's automatic rotation.
      keyvaultproperties: customerManagedKey ? {
        keyname: keyName
        keyvaulturi: keyVaultUri
      } : null
      identity: customerManagedKey ? {
        userAssignedIdentity: identity.id
      } : null
      requireInfrastructureEncryption: true
      services: {
        blob: { enabled: true, keyType: 'Account' }
        file: { enabled: true, keyType: 'Account' }
        queue: { enabled: true, keyType: 'Account' }
        table: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource models 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: modelsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource optimizedModels 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: 'models-optimized'
  properties: {
    publicAccess: 'None'
  }
}

resource evaluations 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: 'evaluations'
  properties: {
    publicAccess: 'None'
  }
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: 'deployments'
  properties: {
    publicAccess: 'None'
  }
}

resource captures 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: captureContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Batch jobs: the Batch API's files, and the container dropped batch inputs go to. The Durable Functions task hub the
// batches run on lives in the host's storage (AzureWebJobsStorage, this account): its queues, tables and lease blobs
// need the queue, table and blob roles below, nothing more.
resource batchFiles 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: batchFilesContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource batchDrops 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobs
  name: batchDropContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-06-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-captures'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'appendBlob'
                'blockBlob'
              ]
              prefixMatch: [
                '${captureContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: captureRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'delete-old-batch-files'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${batchFilesContainerName}/'
                '${batchDropContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: batchRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2026-06-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in roleIds: {
  name: guid(account.id, identity.id, roleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    condition: roleId == blobDataOwner ? writeOnlyOnCaptures : null
    conditionVersion: roleId == blobDataOwner ? '2.0' : null
  }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-06-01' = {
  parent: account
  name: 'default'
}

resource deletionQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = {
  parent: queueService
  name: deletionQueueName
}

// Event Grid reports the models container's changes: BlobCreated goes to the Event Grid-sourced blob trigger's
// webhook (a subscription made after deployment, when the blobs extension's key exists: see the README), BlobDeleted
// to a queue, delivered as the app's identity (it holds Storage Queue Data Contributor on this account).
resource events 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: '${name}-events'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource deletions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: events
  name: 'model-deletions'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobDeleted'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${modelsContainerName}/'
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identity.id
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: account.id
          queueName: deletionQueue.name
        }
      }
    }
  }
  dependsOn: [
    roles
  ]
}

output name string = account.name
output eventTopicName string = events.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deploymentContainerName string = deployments.name
