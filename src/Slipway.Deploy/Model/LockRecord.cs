using System.Globalization;
using System.Text;

namespace Slipway.Deploy.Model;

/// <summary>
/// Who holds a stage's deploy lock: written into <c>.slipway-lock/info</c> on every host as <c>key=value</c> lines,
/// right after the atomic <c>mkdir</c> of the lock directory. Only the run holding <see cref="Token"/> removes it.
/// </summary>
public sealed record LockRecord
{
    public required string Token { get; init; }

    public required string User { get; init; }

    /// <summary>The machine slipway ran on (to tell whether <see cref="Pid"/> can be checked here).</summary>
    public required string Machine { get; init; }

    public required int Pid { get; init; }

    public required string Stage { get; init; }

    public required string Action { get; init; }

    public string? Commit { get; init; }

    public string? Message { get; init; }

    public required DateTimeOffset Started { get; init; }

    /// <summary>After this the lock may be recovered by anyone (a crashed run on another machine, a cancelled CI job).</summary>
    public required DateTimeOffset Expires { get; init; }

    public string Format()
    {
        var text = new StringBuilder();
        void Line(string key, string? value)
        {
            if (value is not null)
            {
                text.Append(key).Append('=').Append(OneLine(value)).Append('\n');
            }
        }

        Line("token", Token);
        Line("user", User);
        Line("machine", Machine);
        Line("pid", Pid.ToString(CultureInfo.InvariantCulture));
        Line("stage", Stage);
        Line("action", Action);
        Line("commit", Commit);
        Line("message", Message);
        Line("started", Started.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Line("expires", Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>Reads what <see cref="Format"/> wrote; null when the record is missing or half-written.</summary>
    public static LockRecord? Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        string? Get(string key) => values.TryGetValue(key, out var v) ? v : null;
        if (Get("token") is not { } token || !long.TryParse(Get("started"), CultureInfo.InvariantCulture, out var started)
            || !long.TryParse(Get("expires"), CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        return new LockRecord
        {
            Token = token,
            User = Get("user") ?? "?",
            Machine = Get("machine") ?? "?",
            Pid = int.TryParse(Get("pid"), CultureInfo.InvariantCulture, out var pid) ? pid : 0,
            Stage = Get("stage") ?? "?",
            Action = Get("action") ?? "deploy",
            Commit = Get("commit"),
            Message = Get("message"),
            Started = DateTimeOffset.FromUnixTimeSeconds(started),
            Expires = DateTimeOffset.FromUnixTimeSeconds(expires),
        };
    }

    /// <summary>"root on build-1 (pid 4242), deploy of production at 1a2b3c4, since 2026-11-27 02:40:00 UTC: "fix""</summary>
    public string Describe()
    {
        var commit = Commit is null ? "" : " at " + Commit[..Math.Min(7, Commit.Length)];
        var message = string.IsNullOrEmpty(Message) ? "" : $": \"{Message}\"";
        var since = Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return $"{User} on {Machine} (pid {Pid}), {Action} of {Stage}{commit}, since {since} UTC{message}";
    }

    /// <summary>
    /// Why the lock may be taken over, or null while its owner may still be running: the lease ran out, or the owner
    /// ran on this machine and its process is gone.
    /// </summary>
    public string? StaleReason(string thisMachine, DateTimeOffset now, Func<int, bool> processAlive)
    {
        ArgumentNullException.ThrowIfNull(processAlive);
        if (now > Expires)
        {
            return "its lease expired at " + Expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        }

        if (string.Equals(Machine, thisMachine, StringComparison.Ordinal) && Pid > 0 && !processAlive(Pid))
        {
            return $"its owner (pid {Pid} on this machine) is no longer running";
        }

        return null;
    }

    private static string OneLine(string value) => value.ReplaceLineEndings(" ").Trim();
}
