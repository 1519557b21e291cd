using System.Net;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Slipway.Build.Store.S3;

/// <summary>
/// Artifacts in an S3-compatible bucket: the manifest at <c>&lt;prefix&gt;/&lt;package&gt;/&lt;key&gt;/manifest.json</c>,
/// the tarball by its hash at <c>&lt;prefix&gt;/.blobs/&lt;2 hex&gt;/&lt;sha256&gt;.tar.gz</c>. A put uploads the tarball
/// first and the manifest last, so an upload cut off at any point leaves nothing under the package's key (at worst a
/// tarball no manifest names yet). No server-side copy is needed, which not every S3-compatible server gets right.
/// Downloads are checked against the manifest's hash, so a tarball that is short or altered is never used.
/// </summary>
public sealed class S3ArtifactStore : IRemoteArtifactStore
{
    // Made on first use: building an SDK client costs tens of milliseconds, and a run that finds everything in the
    // local store never talks to the shared one.
    private readonly Lazy<AmazonS3Client> _transfers;
    private readonly Lazy<AmazonS3Client> _lookupClient;
    private readonly S3StoreSettings _settings;

    public S3ArtifactStore(S3StoreSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _transfers = new(() => Client(settings, settings.TransferTimeout, retries: 1));
        // Look-ups get a client of their own whose HTTP time-out is the look-up time-out and which does not retry: a
        // hung server costs one time-out, and the SDK's start-up is not counted against the store.
        _lookupClient = new(() => Client(settings, settings.LookupTimeout, retries: 0));
    }

    private static AmazonS3Client Client(S3StoreSettings settings, TimeSpan timeout, int retries)
    {
        var config = new AmazonS3Config
        {
            Timeout = timeout,
            MaxErrorRetry = retries,
            // Older S3-compatible servers do not know the flexible checksums SDK v4 adds by default; the SHA-256 in
            // the manifest is what verifies content.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = settings.Region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region ?? "us-east-1");
        }

        if (settings.AccessKeyId is { } id && settings.SecretAccessKey is { } secret)
        {
            AWSCredentials credentials = settings.SessionToken is { } token
                ? new SessionAWSCredentials(id, secret, token)
                : new BasicAWSCredentials(id, secret);
            return new AmazonS3Client(credentials, config);
        }

        if (settings.Profile is { } profile)
        {
            config.Profile = new Profile(profile);
        }

        return new AmazonS3Client(config);
    }

    private AmazonS3Client Transfers => _transfers.Value;

    public string DownloadUrl(ArtifactManifest manifest, TimeSpan valid)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Transfers.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _settings.Bucket,
            Key = BlobKey(manifest.ArtifactSha256),
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.Add(valid),
            // The SDK signs https unless told: a custom endpoint on plain http (s3rver, a MinIO on the LAN) says so.
            Protocol = _settings.Endpoint is { } endpoint && endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
        });
    }

    private AmazonS3Client Lookups => _lookupClient.Value;

    public string Kind => "s3";

    public string Location => _settings.Url;

    public bool IsReadOnly => _settings.ReadOnly;

    public async Task<ArtifactManifest?> FindAsync(string package, string key, CancellationToken ct)
    {
        var objectKey = ObjectKey(package, key, LocalFolderStore.ManifestFile);
        try
        {
            using var response = await Lookups.GetObjectAsync(new GetObjectRequest { BucketName = _settings.Bucket, Key = objectKey }, ct);
            await using var body = response.ResponseStream;
            // Read it whole first: a manifest is small, and a stalled body should fail the look-up, not the parse.
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, ct);
            buffer.Position = 0;
            return await ManifestReader.ReadAsync(buffer, $"s3://{_settings.Bucket}/{objectKey}", package, key, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (Exception e) when (Translate(e) is { } error)
        {
            throw error;
        }
    }

    public async Task DownloadAsync(ArtifactManifest manifest, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            await DownloadCheckedAsync(manifest, path, ct);
        }
        catch (Exception e) when (Translate(e) is { } error)
        {
            throw error;
        }
    }

    private async Task DownloadCheckedAsync(ArtifactManifest manifest, string path, CancellationToken ct)
    {
        var objectKey = BlobKey(manifest.ArtifactSha256);
        using var response = await Transfers.GetObjectAsync(new GetObjectRequest { BucketName = _settings.Bucket, Key = objectKey }, ct);
        await using (var body = response.ResponseStream)
        await using (var file = File.Create(path))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                sha.AppendData(chunk, 0, read);
                await file.WriteAsync(chunk.AsMemory(0, read), ct);
            }

            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != manifest.ArtifactSha256)
            {
                throw new CorruptArtifactException(
                    $"s3://{_settings.Bucket}/{objectKey} hashes to {actual}, its manifest says {manifest.ArtifactSha256}");
            }
        }
    }

    public async Task PutAsync(ArtifactManifest manifest, string artifactPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_settings.ReadOnly)
        {
            throw new InvalidOperationException($"{Location} is read-only (build.s3.read_only)");
        }

        try
        {
            await PublishAsync(manifest, artifactPath, ct);
        }
        catch (Exception e) when (Translate(e) is { } error)
        {
            throw error;
        }
    }

    private async Task PublishAsync(ArtifactManifest manifest, string artifactPath, CancellationToken ct)
    {
        var blob = BlobKey(manifest.ArtifactSha256);
        if (await BlobSizeAsync(blob, ct) != manifest.ArtifactSize)
        {
            // Absent, or cut short by an earlier interrupted upload on a server that writes in place: (re)write it.
            await Transfers.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _settings.Bucket,
                Key = blob,
                FilePath = artifactPath,
                ContentType = "application/gzip",
                UseChunkEncoding = false,
            }, ct);
        }

        // The manifest last, in one small PUT: the only object under the package's key, so the key is published whole or not at all.
        using var manifestBody = new MemoryStream(ManifestReader.Serialize(manifest));
        await Transfers.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _settings.Bucket,
            Key = ObjectKey(manifest.Package, manifest.Key, LocalFolderStore.ManifestFile),
            InputStream = manifestBody,
            ContentType = "application/json",
            UseChunkEncoding = false,
        }, ct);
    }

    public async Task<IReadOnlyList<ArtifactManifest>> ListAsync(CancellationToken ct)
    {
        try
        {
            var result = new List<ArtifactManifest>();
            var root = _settings.Prefix.Length > 0 ? _settings.Prefix + "/" : "";
            var request = new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = root };
            ListObjectsV2Response page;
            do
            {
                page = await Transfers.ListObjectsV2Async(request, ct);
                foreach (var item in page.S3Objects ?? [])
                {
                    // <prefix>/<package>/<key>/manifest.json; the blobs live under <prefix>/.blobs/.
                    var parts = item.Key[root.Length..].Split('/');
                    if (parts is [var package, var key, LocalFolderStore.ManifestFile] && !package.StartsWith('.'))
                    {
                        using var response = await Transfers.GetObjectAsync(new GetObjectRequest { BucketName = _settings.Bucket, Key = item.Key }, ct);
                        await using var body = response.ResponseStream;
                        using var buffer = new MemoryStream();
                        await body.CopyToAsync(buffer, ct);
                        buffer.Position = 0;
                        result.Add(await ManifestReader.ReadAsync(buffer, $"s3://{_settings.Bucket}/{item.Key}", package, key, ct));
                    }
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);

            return result;
        }
        catch (Exception e) when (Translate(e) is { } error)
        {
            throw error;
        }
    }

    public async Task RemoveAsync(IReadOnlyList<ArtifactManifest> manifests, IReadOnlyList<ArtifactManifest> kept, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(kept);
        if (_settings.ReadOnly)
        {
            throw new InvalidOperationException($"{Location} is read-only (build.s3.read_only)");
        }

        try
        {
            foreach (var manifest in manifests)
            {
                await Transfers.DeleteObjectAsync(_settings.Bucket, ObjectKey(manifest.Package, manifest.Key, LocalFolderStore.ManifestFile), ct);
            }

            // Equal tarballs are stored once: a blob goes only when no kept manifest names it.
            var stillNamed = kept.Select(k => k.ArtifactSha256).ToHashSet(StringComparer.Ordinal);
            foreach (var sha in manifests.Select(m => m.ArtifactSha256).Distinct(StringComparer.Ordinal).Where(h => !stillNamed.Contains(h)))
            {
                await Transfers.DeleteObjectAsync(_settings.Bucket, BlobKey(sha), ct);
            }
        }
        catch (Exception e) when (Translate(e) is { } error)
        {
            throw error;
        }
    }

    private async Task<long?> BlobSizeAsync(string blob, CancellationToken ct)
    {
        try
        {
            var head = await Transfers.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _settings.Bucket, Key = blob }, ct);
            return head.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The SDK's exceptions as one <see cref="RemoteStoreException"/> whose message says what to check; null for others.</summary>
    private RemoteStoreException? Translate(Exception e) => e switch
    {
        AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden, ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" } s3 =>
            new($"{Location} refused the credentials ({s3.ErrorCode}: {s3.Message}); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or build.s3.profile", e),
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => new($"{Location}: the bucket {_settings.Bucket} does not exist", e),
        AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3 => new($"{Location}: access denied ({s3.ErrorCode}: {s3.Message})", e),
        AmazonServiceException service => new($"{Location}: the server answered {(int)service.StatusCode} {service.ErrorCode}: {service.Message}", e),
        AmazonClientException or HttpRequestException => new($"cannot reach {_settings.Endpoint ?? Location}: {Innermost(e).Message}", e),
        _ => null,
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private string ObjectKey(string package, string key, string file) => Join(package, key, file);

    /// <summary>Tarballs are stored by their SHA-256: the manifest names its tarball by hash, and equal tarballs are stored once.</summary>
    private string BlobKey(string sha256) => Join(".blobs", sha256[..2], sha256 + ".tar.gz");

    private string Join(params string[] parts) =>
        string.Join('/', _settings.Prefix.Length > 0 ? [_settings.Prefix, .. parts] : parts);

    public void Dispose()
    {
        if (_transfers.IsValueCreated)
        {
            _transfers.Value.Dispose();
        }

        if (_lookupClient.IsValueCreated)
        {
            _lookupClient.Value.Dispose();
        }
    }
}
