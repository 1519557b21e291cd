namespace Slipway.Supervisor.Client;

/// <summary>
/// Where a supervisor listens: a unix socket path (<c>/srv/app/slipway/supervisor.sock</c>, also written
/// <c>unix:///path</c> as supervisorctl's serverurl) or <c>http://host:port</c> (inet_http_server), with optional
/// Basic auth credentials.
/// </summary>
public sealed record SupervisorEndpoint
{
    private SupervisorEndpoint(string? socketPath, Uri? url, string? username, string? password)
    {
        SocketPath = socketPath;
        Url = url;
        Username = username;
        Password = password;
    }

    /// <summary>The unix socket, or null for a TCP endpoint.</summary>
    public string? SocketPath { get; }

    /// <summary>The http URL, or null for a unix socket.</summary>
    public Uri? Url { get; }

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>Parses what <c>--socket</c> accepts; throws <see cref="ArgumentException"/> with a readable message.</summary>
    public static SupervisorEndpoint Parse(string text, string? username = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new ArgumentException("the supervisor socket is empty: give a unix socket path or http://host:port", nameof(text));
        }

        if (text.StartsWith("unix://", StringComparison.Ordinal))
        {
            return FromSocket(text["unix://".Length..], username, password);
        }

        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0)
            {
                throw new ArgumentException($"'{text}' is not a valid http://host:port URL", nameof(text));
            }

            return new SupervisorEndpoint(null, url, username, password);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}': only unix socket paths, unix:///path and http://host:port are supported", nameof(text));
        }

        return FromSocket(text, username, password);
    }

    private static SupervisorEndpoint FromSocket(string path, string? username, string? password) =>
        path.Length == 0
            ? throw new ArgumentException("the unix socket path is empty", nameof(path))
            : new SupervisorEndpoint(path, null, username, password);

    public override string ToString() => SocketPath is not null ? "unix://" + SocketPath : Url!.ToString();
}
