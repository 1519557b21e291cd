using System.Globalization;

namespace Slipway.Queue.Sqs;

/// <summary>
/// Reads <c>sqs://[KEY_ID:SECRET@]HOST[:PORT][?region=R&amp;prefix=P]</c> (HTTPS; for Amazon SQS,
/// <c>sqs://sqs.eu-west-1.amazonaws.com</c>) and <c>sqs+http://…</c> (plain HTTP, for an emulator on loopback).
/// Without a key in the URL the AWS SDK's usual chain applies (environment, profile, instance role). The region is
/// <c>?region=</c>, else the one in an <c>sqs.REGION.amazonaws.com</c> host, else us-east-1. The prefix (default
/// "slipway-") starts every SQS queue name the engine makes, so several apps or stores can share an account.
/// </summary>
internal sealed record SqsUrl(string Endpoint, string Region, string Prefix, string? AccessKeyId, string? SecretAccessKey)
{
    public const string DefaultPrefix = "slipway-";

    /// <summary>SQS queue names: 1 to 80 of A-Z a-z 0-9 _ -. The prefix leaves room for the queue's own name.</summary>
    public const int MaxPrefixLength = 40;

    public static SqsUrl Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new QueueException(
                $"Cannot read the queue URL '{QueueEngineFactory.Redact(url)}'. Expected sqs://host[:port][?region=R&prefix=P] (sqs+http:// for plain HTTP).");
        }

        var plain = uri.Scheme.Equals("sqs+http", StringComparison.OrdinalIgnoreCase);
        var port = uri.IsDefaultPort || uri.Port < 0 ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var endpoint = (plain ? "http://" : "https://") + uri.Host + port;
        string? region = null;
        var prefix = DefaultPrefix;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key.Equals("region", StringComparison.OrdinalIgnoreCase))
            {
                region = value;
            }
            else if (key.Equals("prefix", StringComparison.OrdinalIgnoreCase))
            {
                prefix = value;
            }
        }

        if (prefix.Length > MaxPrefixLength || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new QueueException(
                $"The queue URL '{QueueEngineFactory.Redact(url)}' has prefix '{prefix}': use at most {MaxPrefixLength} characters of A-Z a-z 0-9 _ -.");
        }

        region ??= RegionOfHost(uri.Host) ?? "us-east-1";
        if (region.Length == 0 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new QueueException($"The queue URL '{QueueEngineFactory.Redact(url)}' has region '{region}': expected a name such as eu-west-1.");
        }

        string? id = null, secret = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new QueueException(
                    $"The queue URL '{QueueEngineFactory.Redact(url)}' has an access key id without its secret (sqs://KEY_ID:SECRET@host).");
            }

            id = Uri.UnescapeDataString(uri.UserInfo[..colon]);
            secret = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new SqsUrl(endpoint, region, prefix, id, secret);
    }

    /// <summary>"eu-west-1" from "sqs.eu-west-1.amazonaws.com", else null.</summary>
    private static string? RegionOfHost(string host)
    {
        var parts = host.Split('.');
        return parts.Length >= 4 && parts[0] == "sqs" && parts[^2] == "amazonaws" ? parts[1] : null;
    }
}
