# The Functions app as a container (the GPU hosting option runs this image on Azure Container Apps).
#   docker build -t maas-functions:cpu .
#   docker build -t maas-functions:gpu --build-arg ONNX_GPU=true .
ARG ONNX_GPU=false

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG ONNX_GPU
WORKDIR /src
# The build bundles Chart.js (pinned in package.json) into the app's pages with npm ci: Debian's Node.js and npm.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY . .
RUN dotnet publish src/Maas.Functions/Maas.Functions.csproj --configuration Release --output /home/site/wwwroot -p:OnnxGpu=${ONNX_GPU}

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0 AS runtime
ARG ONNX_GPU
# ONNX Runtime's CUDA provider needs the CUDA 12 runtime libraries and cuDNN 9 (the GPU driver comes from the host).
RUN if [ "$ONNX_GPU" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends ca-certificates wget gnupg && \
      wget -q https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64/cuda-keyring_1.1-1_all.deb && \
      dpkg -i cuda-keyring_1.1-1_all.deb && rm cuda-keyring_1.1-1_all.deb && apt-get update && \
      apt-get install -y --no-install-recommends cuda-cudart-12-6 libcublas-12-6 libcufft-12-6 libcurand-12-6 libcudnn9-cuda-12 && \
      rm -rf /var/lib/apt/lists/*; \
    fi
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true
COPY --from=build /home/site/wwwroot /home/site/wwwroot
