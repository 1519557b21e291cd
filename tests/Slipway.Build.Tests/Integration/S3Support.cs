using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Slipway.Build.Store;
using Slipway.Build.Store.S3;
using Slipway.Build.Store.Signing;
using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

/// <summary>Shared stores on a test's s3rver, and what a plain S3 client sees there.</summary>
internal static class S3Support
{
    public static S3StoreSettings Settings(S3rverServer server, string prefix, bool readOnly = false,
        string accessKeyId = S3rverServer.AccessKeyId, string secret = S3rverServer.SecretAccessKey) => new()
    {
        Bucket = server.Bucket,
        Prefix = prefix,
        Endpoint = server.Endpoint,
        ReadOnly = readOnly,
        AccessKeyId = accessKeyId,
        SecretAccessKey = secret,
    };

    public static RemoteCache Remote(S3StoreSettings settings, TimeSpan? timeout = null, ManifestVerifier? verifier = null) =>
        new(new S3ArtifactStore(settings with { LookupTimeout = timeout ?? TimeSpan.FromSeconds(2) }), timeout ?? TimeSpan.FromSeconds(2), verifier);

    /// <summary>Every object key under <paramref name="prefix"/>, as any S3 client lists them.</summary>
    public static async Task<List<string>> KeysAsync(S3rverServer server, string prefix, CancellationToken ct)
    {
        using var client = Client(server);
        var response = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.Bucket, Prefix = prefix + "/" }, ct);
        return [.. (response.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }

    public static async Task PutAsync(S3rverServer server, string key, byte[] body, CancellationToken ct)
    {
        using var client = Client(server);
        using var stream = new MemoryStream(body);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = server.Bucket, Key = key, InputStream = stream, UseChunkEncoding = false }, ct);
    }

    public static async Task<byte[]> GetAsync(S3rverServer server, string key, CancellationToken ct)
    {
        using var client = Client(server);
        using var response = await client.GetObjectAsync(server.Bucket, key, ct);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static AmazonS3Client Client(S3rverServer server) => new(
        new BasicAWSCredentials(S3rverServer.AccessKeyId, S3rverServer.SecretAccessKey),
        new AmazonS3Config
        {
            ServiceURL = server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
}
