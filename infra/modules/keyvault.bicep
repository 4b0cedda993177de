@description('Key Vault name (3-24 letters, digits and hyphens).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the user-assigned identity that reads the vault\'s secrets and, with a customer-managed key, unwraps the storage key.')
param identityName string

@description('Create an RSA key for the storage account\'s customer-managed encryption, rotated automatically.')
param customerManagedKey bool

@description('Name of the secret operators create with the capture hash key (see the README, Privacy).')
param captureHashKeySecretName string

// Key Vault Secrets User (the capture hash key, read through a Key Vault reference); Key Vault Crypto Service
// Encryption User (storage wraps and unwraps its account key), on the key only.
var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var cryptoServiceEncryptionUser = 'e147488a-f6f5-4113-8e2d-b22465e65bf6'
var storageKeyName = 'storage-encryption'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // A customer-managed key must survive deletion: soft delete and purge protection are what Storage requires.
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource storageKey 'Microsoft.KeyVault/vaults/keys@2026-05-15' = if (customerManagedKey) {
  parent: vault
  name: storageKeyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
    ]
    rotationPolicy: {
      attributes: {
        expiryTime: 'P2Y'
      }
      lifetimeActions: [
        {
          action: {
            type: 'rotate'
          }
          trigger: {
            timeAfterCreate: 'P1Y'
          }
        }
        {
          action: {
            type: 'notify'
          }
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
        }
      ]
    }
  }
}

resource secretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (customerManagedKey) {
  name: guid(vault.id, identity.id, cryptoServiceEncryptionUser)
  scope: storageKey
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cryptoServiceEncryptionUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output storageKeyName string = storageKeyName
output captureHashKeyReference string = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${captureHashKeySecretName})'
