import { DefaultAzureCredential } from '@azure/identity';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { loadConfig } from '../config/app-config';
import { blobServiceClient } from './azure-blob.storage';

const required = { UPSTREAM_BASE_URL: 'http://upstream.local', AUTH_DISABLED: 'true' };

// Building a client asks for no token, so nothing here leaves the process.
describe(blobServiceClient.name, () => {
  it('should reach AZURE_STORAGE_ACCOUNT_URL as the workload identity, with no key', () => {
    const { blob } = loadConfig({
      ...required,
      AZURE_STORAGE_ACCOUNT_URL: 'https://account.blob.core.windows.net',
    });

    const client = blobServiceClient(blob);

    expect(client.credential).toBeInstanceOf(DefaultAzureCredential);
    expect(client.url).toBe('https://account.blob.core.windows.net/');
  });

  it('should sign with the account key of AZURE_STORAGE_CONNECTION_STRING', () => {
    const { blob } = loadConfig({
      ...required,
      AZURE_STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=account;AccountKey=a2V5;EndpointSuffix=core.windows.net',
    });

    const client = blobServiceClient(blob);

    expect(client.credential).toBeInstanceOf(StorageSharedKeyCredential);
    expect(client.accountName).toBe('account');
  });
});
