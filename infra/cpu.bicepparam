// CPU: Linux Elastic Premium. Deploy with
//   az deployment sub create --location westeurope --template-file infra/main.bicep --parameters infra/cpu.bicepparam
using 'main.bicep'

param environmentName = 'maas-cpu'
param location = 'westeurope'
param hostingPlan = 'premium'
param premiumSku = 'EP1'
param maximumBurst = 20
param alwaysReadyInstances = 1
param apiClientId = '00000000-0000-0000-0000-000000000000'
