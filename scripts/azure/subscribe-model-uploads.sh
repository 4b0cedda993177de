#!/usr/bin/env bash
# Subscribes the Event Grid-sourced blob trigger (RegisterModelFromEventGrid) to the models container's BlobCreated
# events. Run after the app is deployed (azd runs it as the postdeploy hook): the subscription posts to the blobs
# extension's webhook, whose system key only exists once the app runs. Idempotent: it updates the subscription.
# Needs the Azure CLI, signed in, and these variables (azd sets them from the deployment outputs):
#   AZURE_RESOURCE_GROUP, SERVICE_API_NAME, AZURE_EVENT_GRID_TOPIC_NAME; optional MODELS_CONTAINER (default models).
set -euo pipefail

: "${AZURE_RESOURCE_GROUP:?set AZURE_RESOURCE_GROUP (a deployment output)}"
: "${SERVICE_API_NAME:?set SERVICE_API_NAME (a deployment output)}"
: "${AZURE_EVENT_GRID_TOPIC_NAME:?set AZURE_EVENT_GRID_TOPIC_NAME (a deployment output)}"
container="${MODELS_CONTAINER:-models}"

command -v az >/dev/null || { echo "subscribe-model-uploads.sh: install the Azure CLI (az) and sign in." >&2; exit 1; }

host=$(az functionapp show -g "$AZURE_RESOURCE_GROUP" -n "$SERVICE_API_NAME" --query defaultHostName -o tsv)
key=""
for attempt in 1 2 3 4 5 6; do
  # The key appears once the host has started with the blobs extension loaded.
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$SERVICE_API_NAME" --query systemKeys.blobs_extension -o tsv 2>/dev/null || true)
  [ -n "$key" ] && break
  echo "waiting for the blobs extension's system key (attempt $attempt)..." >&2
  sleep 20
done
[ -n "$key" ] || { echo "subscribe-model-uploads.sh: the app has no blobs_extension system key yet; start it and run this again." >&2; exit 1; }

az eventgrid system-topic event-subscription create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_EVENT_GRID_TOPIC_NAME" \
  --name model-uploads \
  --endpoint-type webhook \
  --endpoint "https://${host}/runtime/webhooks/blobs?functionName=Host.Functions.RegisterModelFromEventGrid&code=${key}" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/${container}/" \
  --event-delivery-schema eventgridschema \
  --output none
echo "Event Grid delivers BlobCreated of container '${container}' to RegisterModelFromEventGrid on ${host}."
