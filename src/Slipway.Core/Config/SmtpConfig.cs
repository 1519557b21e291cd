using System.Globalization;

namespace Slipway.Core.Config;

/// <summary>
/// Where and how Slipway sends mail: the same keys wherever a section mails (<c>logs.digest</c>, <c>monitor.alerts.mail</c>):
/// <c>smtp</c> (HOST:PORT, port 25 when left out), <c>smtp_user</c>, <c>smtp_password</c>, <c>starttls</c>, <c>from</c>,
/// <c>to</c>. The password is a secret: <see cref="PasswordVariable"/> in the environment wins over the file, and
/// <c>config show</c> prints it as <c>***</c>.
/// </summary>
public sealed record SmtpConfig
{
    /// <summary>The environment variable that holds the SMTP password, so it need not be written in slipway.yml.</summary>
    public const string PasswordVariable = "SLIPWAY_SMTP_PASSWORD";

    public const string DefaultFrom = "slipway@localhost";

    /// <summary>HOST:PORT as written.</summary>
    public required string Server { get; init; }

    public string? User { get; init; }

    public string? Password { get; init; }

    /// <summary>Require STARTTLS (fail rather than send in clear); without it, STARTTLS is used when the server offers it.</summary>
    public bool StartTls { get; init; }

    public string From { get; init; } = DefaultFrom;

    public IReadOnlyList<string> To { get; init; } = [];

    public SourceLocation Location { get; init; }

    public string Host => Split(Server)?.Host ?? Server;

    public int Port => Split(Server)?.Port ?? 25;

    /// <summary><see cref="PasswordVariable"/> when set, else the password written in the file.</summary>
    public string? ResolvePassword(Func<string, string?> environment) => ResolvePassword(Password, environment);

    /// <summary>
    /// The one rule for every section that mails: <see cref="PasswordVariable"/> when set and not empty, else
    /// <paramref name="filePassword"/> (an empty variable is how a shell unsets it for one command).
    /// </summary>
    public static string? ResolvePassword(string? filePassword, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(PasswordVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : filePassword;
    }

    /// <summary>HOST:PORT, or HOST alone (port 25); [::1]:25 for IPv6. Null when it is neither.</summary>
    public static (string Host, int Port)? Split(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.Length == 0 || server.Any(char.IsWhiteSpace))
        {
            return null;
        }

        if (server.StartsWith('['))
        {
            var close = server.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                return null;
            }

            var host = server[1..close];
            var rest = server[(close + 1)..];
            return rest.Length == 0 ? (host, 25) : rest[0] == ':' && ParsePort(rest[1..]) is { } p ? (host, p) : null;
        }

        var colon = server.LastIndexOf(':');
        if (colon < 0)
        {
            return (server, 25);
        }

        if (colon == 0 || server.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            return null;
        }

        return ParsePort(server[(colon + 1)..]) is { } port ? (server[..colon], port) : null;
    }

    private static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;
}
