namespace Slipway.Build.Store.S3;

/// <summary>How to reach an S3-compatible bucket: what <c>build.s3</c> says, plus credentials found in the environment.</summary>
public sealed record S3StoreSettings
{
    public required string Bucket { get; init; }

    /// <summary>Key prefix inside the bucket, no slashes at either end; empty for the root.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>A custom endpoint (s3rver, MinIO…); path-style addressing is used with it. Null: AWS itself.</summary>
    public string? Endpoint { get; init; }

    public string? Region { get; init; }

    /// <summary>A profile in ~/.aws/credentials; used when the environment gives no keys.</summary>
    public string? Profile { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary>AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the builder's environment, when set.</summary>
    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>
    /// How long a look-up waits for the server, counted from when its request is sent: the SDK's own start-up in a fresh
    /// process (a second or more on a small machine) is not the store being slow. <c>build.s3.timeout</c>.
    /// </summary>
    public TimeSpan LookupTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound for one transfer (upload or download); look-ups have their own, shorter time-out.</summary>
    public TimeSpan TransferTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public string Url => Prefix.Length > 0 ? $"s3://{Bucket}/{Prefix}" : $"s3://{Bucket}";

    /// <summary>The settings with the usual AWS variables taken from <paramref name="environment"/>; a profile given in the config wins over them.</summary>
    public S3StoreSettings WithEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;
        if (Profile is not null)
        {
            // A profile named in slipway.yml is meant, even when the environment also has keys.
            return this with { Region = Region ?? Get("AWS_REGION") ?? Get("AWS_DEFAULT_REGION") };
        }

        return this with
        {
            AccessKeyId = AccessKeyId ?? Get("AWS_ACCESS_KEY_ID"),
            SecretAccessKey = SecretAccessKey ?? Get("AWS_SECRET_ACCESS_KEY"),
            SessionToken = SessionToken ?? Get("AWS_SESSION_TOKEN"),
            Profile = Get("AWS_PROFILE"),
            Region = Region ?? Get("AWS_REGION") ?? Get("AWS_DEFAULT_REGION"),
        };
    }
}
