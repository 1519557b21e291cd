using System.Globalization;
using Slipway.Core.Shell;
using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Checks;

/// <summary>
/// A Nagios plugin run on a host over SSH from the machine that monitors (<c>run_on: ssh</c>), judged like a local one:
/// its exit code and output through the same parser. The words are quoted for the host's shell as they were split here
/// (<c>shell: true</c> hands the text to the host's <c>/bin/sh -c</c>), with LC_ALL=C as locally. A host that cannot be
/// reached, and a plugin that outruns its time-out, are UNKNOWN: the check could not be made.
/// </summary>
public sealed class RemotePluginCheck(PluginCommand command, string host, IRemotePlugins? source, TimeProvider? timeProvider = null) : ICheck
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public PluginCommand Command { get; } = command ?? throw new ArgumentNullException(nameof(command));

    /// <summary>What the host's shell runs.</summary>
    public string RemoteCommandLine => "LC_ALL=C " + ShellQuote.Join(Command.Argv);

    public async Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        if (source is null)
        {
            return CheckResult.Unknown($"(cannot run on {host}: SSH is not available here)");
        }

        try
        {
            var run = await source.RunAsync(host, RemoteCommandLine, timeout, ct);
            var output = run.Stdout.Trim().Length == 0 && run.Stderr.Trim().Length > 0 ? run.Stderr : run.Stdout;
            if (output.Length > PluginRunner.MaxOutputChars)
            {
                output = output[..PluginRunner.MaxOutputChars];
            }

            return PluginOutputParser.Parse(run.ExitCode, output) with { Duration = _time.GetElapsedTime(started) };
        }
        catch (TimeoutException)
        {
            var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return CheckResult.Unknown($"(plugin timed out after {seconds}s on {host})", _time.GetElapsedTime(started));
        }
        catch (CheckSourceException e)
        {
            return CheckResult.Unknown($"(cannot run on {host}: {e.Message})", _time.GetElapsedTime(started));
        }
    }
}
