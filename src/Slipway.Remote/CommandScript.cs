using System.Text.RegularExpressions;
using Slipway.Core.Shell;

namespace Slipway.Remote;

/// <summary>Builds the shell text that actually runs for a command: working directory, environment, kill-on-disconnect.</summary>
internal static partial class CommandScript
{
    /// <summary><c>cd DIR &amp;&amp; export K=V &amp;&amp; … &amp;&amp; command</c>, every value quoted.</summary>
    public static ShellCommand WithContext(ShellCommand command, RunOptions? options)
    {
        var prefix = new List<ShellCommand>();
        if (options?.WorkingDirectory is { } dir)
        {
            prefix.Add(ShellCommand.Create($"cd {dir}"));
        }

        foreach (var (name, value) in options?.Environment ?? new Dictionary<string, string>())
        {
            // A variable name cannot be quoted, so it must be a plain identifier.
            if (!IdentifierPattern().IsMatch(name))
            {
                throw new ArgumentException($"'{name}' is not a valid environment variable name.", nameof(options));
            }

            prefix.Add(ShellCommand.Create($"export {name}={value}"));
        }

        var result = command;
        for (var i = prefix.Count - 1; i >= 0; i--)
        {
            result = prefix[i].Then(result);
        }

        return result;
    }

    /// <summary>
    /// Wraps <paramref name="inner"/> so the remote work dies with the channel. The command runs in its own session
    /// (setsid, so it is a process-group leader) with stdin from /dev/null; a watcher blocks reading the channel's
    /// stdin. Our local ssh keeps that stdin open for the life of the command; when it is killed (cancel, timeout) or
    /// the connection drops, sshd closes the channel, the watcher sees EOF and kills the whole group (TERM, then KILL).
    /// The watcher's stdout/stderr go to /dev/null so it never holds the channel open; when the command ends first,
    /// the watcher is stopped and its trap also stops its cat, so nothing lingers until the channel closes. Runs under /bin/sh explicitly,
    /// so a login shell such as fish or csh only has to parse one single-quoted word.
    /// </summary>
    public static string KillOnDisconnect(ShellCommand inner)
    {
        // fd 3 keeps the channel's stdin: without job control, sh gives background jobs /dev/null as stdin.
        const string Script =
            "exec 3<&0; " +
            "if command -v setsid >/dev/null 2>&1; then setsid /bin/sh -c \"$1\" </dev/null 3<&- & " +
            "else /bin/sh -c \"$1\" </dev/null 3<&- & fi; " +
            "pid=$!; " +
            "( trap 'kill $c 2>/dev/null; wait $c; exit 0' TERM; cat <&3 >/dev/null & c=$!; wait $c; " +
            "kill -TERM -$pid 2>/dev/null || kill -TERM $pid 2>/dev/null; " +
            "sleep 2; kill -KILL -$pid 2>/dev/null ) >/dev/null 2>&1 & " +
            "watcher=$!; exec 3<&-; " +
            "wait $pid; rc=$?; kill $watcher 2>/dev/null; exit $rc";
        return ShellQuote.Join(["/bin/sh", "-c", Script, "slipway", inner.Text]);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
