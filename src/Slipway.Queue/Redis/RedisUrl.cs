using StackExchange.Redis;

namespace Slipway.Queue.Redis;

/// <summary>
/// Reads <c>redis://[user:password@]host[:port][/db][?prefix=NAME]</c> (<c>rediss://</c>: TLS). The prefix (default
/// "slipway") namespaces the engine's keys, so several apps or test stores can share one Redis.
/// </summary>
internal sealed record RedisUrl(ConfigurationOptions Options, string Prefix, string Endpoint)
{
    public const string DefaultPrefix = "slipway";

    /// <summary>The base every key starts with: the prefix as a hash tag, so all of a store's keys share one slot.</summary>
    public string KeyBase => "{" + Prefix + "}:";

    public static RedisUrl Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new QueueException(
                $"Cannot read the queue URL '{QueueEngineFactory.Redact(url)}'. Expected redis://[:password@]host:port[/db][?prefix=NAME].");
        }

        var options = new ConfigurationOptions
        {
            // Keep trying in the background: a worker started before Redis, or across a Redis restart, recovers by itself.
            AbortOnConnectFail = false,
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
            ConnectTimeout = 5000,
            ClientName = "slipway-queue",
        };
        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        options.EndPoints.Add(uri.Host, port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            options.Password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            options.User = user.Length == 0 ? null : user;
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var db)
                ? db
                : throw new QueueException($"The queue URL '{QueueEngineFactory.Redact(url)}' names database '{path}': use a number (…/0).");
        }

        var prefix = DefaultPrefix;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq].Equals("prefix", StringComparison.OrdinalIgnoreCase))
            {
                prefix = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        if (!QueueName.IsValid(prefix))
        {
            throw new QueueException($"The queue URL's prefix '{prefix}' is not valid: {QueueName.Rule}.");
        }

        return new RedisUrl(options, prefix, $"{uri.Host}:{port}");
    }
}
