using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Logs.Server;
using Slipway.Logs.Web;
using Spectre.Console;

namespace Slipway.Cli.Commands.Logs;

/// <summary>
/// The <c>logs:</c> section of slipway.yml: db, syslog_udp, syslog_tcp, http, token, retention_days, spool, base_url,
/// deploy_history, and digest: {smtp, smtp_user, smtp_password, starttls, from, to, since, top, schedule}. Flags override every key.
/// </summary>
internal sealed record LogsSection
{
    private static readonly string[] Keys = ["db", "syslog_udp", "syslog_tcp", "http", "token", "retention_days", "spool", "base_url", "digest", "deploy_history", "users"];
    private static readonly string[] DigestKeys = ["smtp", "smtp_user", "smtp_password", "starttls", "from", "to", "since", "top", "schedule"];

    public string? Db { get; init; }

    public string? SyslogUdp { get; init; }

    public string? SyslogTcp { get; init; }

    public string? Http { get; init; }

    public string? Token { get; init; }

    public int RetentionDays { get; init; }

    public string? Spool { get; init; }

    public string? BaseUrl { get; init; }

    /// <summary>The deploy history group pages link to; default: <c>.slipway/history.jsonl</c> next to slipway.yml.</summary>
    public string? DeployHistory { get; init; }

    public string? Smtp { get; init; }

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public bool StartTls { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public string? Since { get; init; }

    public int? Top { get; init; }

    /// <summary>Browser logins: name → password hash and role (<c>viewer</c> reads; <c>admin</c> may also post events).</summary>
    public IReadOnlyDictionary<string, LogUser> Users { get; init; } = new Dictionary<string, LogUser>(StringComparer.Ordinal);

    /// <summary>Cron expression (UTC) on which <c>logs serve</c> mails the digest.</summary>
    public string? Schedule { get; init; }

    /// <summary>Null (after printing why) when the file or its logs: section is invalid; an empty section when there is no file.</summary>
    public static LogsSection? Load(IAnsiConsole console, string? file)
    {
        if (file is null)
        {
            return new LogsSection();
        }

        var config = ConfigSource.Load(console, file);
        if (config is null)
        {
            return null;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var history = Path.Combine(dir, ".slipway", "history.jsonl");
        if (!config.Extensions.TryGetValue("logs", out var node) || node is not IReadOnlyDictionary<string, object?> logs)
        {
            return new LogsSection { DeployHistory = history };
        }

        var errors = new List<string>();
        foreach (var key in logs.Keys.Where(k => !Keys.Contains(k)))
        {
            errors.Add($"logs.{key}: unknown key; known keys: {string.Join(", ", Keys)}");
        }

        var digest = logs.GetValueOrDefault("digest") as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();
        foreach (var key in digest.Keys.Where(k => !DigestKeys.Contains(k)))
        {
            errors.Add($"logs.digest.{key}: unknown key; known keys: {string.Join(", ", DigestKeys)}");
        }

        int? Int(IReadOnlyDictionary<string, object?> map, string key, string path)
        {
            if (map.GetValueOrDefault(key) is not string s)
            {
                return null;
            }

            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            errors.Add($"{path}: must be a whole number, got \"{s}\"");
            return null;
        }

        var users = new Dictionary<string, LogUser>(StringComparer.Ordinal);
        if (logs.GetValueOrDefault("users") is IReadOnlyDictionary<string, object?> userMap)
        {
            foreach (var (name, value) in userMap)
            {
                var path = $"logs.users.{name}";
                var (hash, role) = value switch
                {
                    string plain => (plain, "viewer"),
                    IReadOnlyDictionary<string, object?> m => (m.GetValueOrDefault("password_hash") as string, m.GetValueOrDefault("role") as string ?? "viewer"),
                    _ => (null, "viewer"),
                };
                if (!IsUserName(name))
                {
                    errors.Add($"{path}: user names are letters, digits, '-' and '_'");
                }
                else if (hash is null)
                {
                    errors.Add($"{path}: needs password_hash (make one with: slipway logs passwd {name})");
                }
                else if (PasswordHash.Problem(hash) is { } problem)
                {
                    errors.Add($"{path}.password_hash: {problem}");
                }
                else if (role is not ("viewer" or "admin"))
                {
                    errors.Add($"{path}.role: must be viewer or admin, got \"{role}\"");
                }
                else
                {
                    users[name] = new LogUser(hash, role == "admin");
                }
            }
        }
        else if (logs.ContainsKey("users"))
        {
            errors.Add("logs.users: must be a mapping of user names to { password_hash, role }");
        }

        var to = digest.GetValueOrDefault("to") switch
        {
            string one => [one],
            IEnumerable<object?> many => many.OfType<string>().ToList(),
            _ => new List<string>(),
        };
        var section = new LogsSection
        {
            Db = logs.GetValueOrDefault("db") as string,
            SyslogUdp = logs.GetValueOrDefault("syslog_udp") as string,
            SyslogTcp = logs.GetValueOrDefault("syslog_tcp") as string,
            Http = logs.GetValueOrDefault("http") as string,
            Token = logs.GetValueOrDefault("token") as string,
            RetentionDays = Int(logs, "retention_days", "logs.retention_days") ?? 0,
            Spool = logs.GetValueOrDefault("spool") as string,
            BaseUrl = logs.GetValueOrDefault("base_url") as string,
            DeployHistory = logs.GetValueOrDefault("deploy_history") is string h ? Path.GetFullPath(h, dir) : history,
            Users = users,
            Smtp = digest.GetValueOrDefault("smtp") as string,
            SmtpUser = digest.GetValueOrDefault("smtp_user") as string,
            SmtpPassword = digest.GetValueOrDefault("smtp_password") as string,
            StartTls = string.Equals(digest.GetValueOrDefault("starttls") as string, "true", StringComparison.OrdinalIgnoreCase),
            From = digest.GetValueOrDefault("from") as string,
            To = to,
            Since = digest.GetValueOrDefault("since") as string,
            Top = Int(digest, "top", "logs.digest.top"),
            Schedule = digest.GetValueOrDefault("schedule") as string,
        };
        foreach (var error in errors)
        {
            ConsoleText.Line(console, $"{file}: error: {error}", ConsoleText.Red);
        }

        return errors.Count == 0 ? section : null;
    }

    public static bool IsUserName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
