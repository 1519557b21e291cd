namespace Slipway.Core.Net;

/// <summary>
/// A database server URL as slipway.yml writes it, <c>scheme://user:pass@host:port/database?key=value</c> (user, password
/// and the query percent-decoded), for the features that open their own connections. Pure.
/// </summary>
public sealed record DatabaseUrl(string Scheme, string Host, int Port, string User, string Password, string Database,
    IReadOnlyDictionary<string, string> Options)
{
    /// <summary>Null, with <paramref name="problem"/> saying why, when <paramref name="url"/> is not such a URL.</summary>
    /// <param name="url">The URL as written.</param>
    /// <param name="defaultPort">The port when the URL gives none.</param>
    /// <param name="problem">Why the URL cannot be used (its password shown as <c>***</c>).</param>
    /// <param name="noun">What the URL is, for the messages ("database URL", "queue URL").</param>
    /// <param name="expected">The form the messages suggest.</param>
    public static DatabaseUrl? TryParse(string url, int defaultPort, out string? problem, string noun = "database URL",
        string expected = "scheme://user:pass@host:port/database")
    {
        ArgumentNullException.ThrowIfNull(url);
        problem = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            problem = $"Cannot read the {noun} '{Redact(url)}'. Expected {expected}.";
            return null;
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
        {
            problem = $"The {noun} '{Redact(url)}' names no database (…/DBNAME at the end).";
            return null;
        }

        var user = "";
        var password = "";
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                options[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return new DatabaseUrl(uri.Scheme.ToLowerInvariant(), uri.Host, uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port,
            user, password, database, options);
    }

    /// <summary>The scheme of <paramref name="url"/> in lower case, or null when it has none (a path).</summary>
    public static string? SchemeOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var colon = url.IndexOf("://", StringComparison.Ordinal);
        return colon > 0 ? url[..colon].ToLowerInvariant() : null;
    }

    /// <summary><paramref name="url"/> with its password shown as <c>***</c>, for messages.</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            return url;
        }

        var user = uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)];
        return url.Replace(uri.UserInfo, user + ":***", StringComparison.Ordinal);
    }

    /// <summary>The value of query option <paramref name="key"/>, or null.</summary>
    public string? Option(string key) => Options.TryGetValue(key, out var value) ? value : null;
}
