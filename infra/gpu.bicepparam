// GPU: Azure Container Apps serverless GPU. Deploy with
//   az deployment sub create --location swedencentral --template-file infra/main.bicep --parameters infra/gpu.bicepparam
using 'main.bicep'

param environmentName = 'maas-gpu'
param location = 'swedencentral'
param hostingPlan = 'gpu'
param gpuProfile = 'Consumption-GPU-NC8as-T4'
param alwaysReadyInstances = 0
param gpuMaximumReplicas = 4
param gpuImageName = 'maas-functions:gpu'
param apiClientId = '00000000-0000-0000-0000-000000000000'
