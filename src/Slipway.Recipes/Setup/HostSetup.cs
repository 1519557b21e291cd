using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote;

namespace Slipway.Recipes.Setup;

/// <summary>What setup did on one host: the changes (empty: nothing changed), notes, or the error that stopped it.</summary>
public sealed record HostSetupResult(HostConfig Host, IReadOnlyList<string> Changes, IReadOnlyList<string> Notes, string? Error)
{
    /// <summary>Files that have a template but exist already, left exactly as they are.</summary>
    public IReadOnlyList<string> Kept { get; init; } = [];

    public bool Succeeded => Error is null;
}

/// <summary>Brings one host to its <see cref="SetupPlan"/> over an open session, changing only what differs.</summary>
public sealed class HostSetup(IRemoteSession session, SetupPlan plan, BinarySource binary, string application)
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly List<string> _changes = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _kept = [];

    public async Task<HostSetupResult> RunAsync(CancellationToken ct)
    {
        try
        {
            await DirectoriesAsync(ct);
            await TemplatesAsync(ct);
            await InstallExecutableAsync(plan.BinaryPath, binary, ct);
            await NativeDaemonAsync(ct);

            if (plan.Kind == SupervisorKind.Slipway)
            {
                await SlipwayDaemonAsync(ct);
            }
            else
            {
                await SupervisordAsync(ct);
            }

            return new HostSetupResult(session.Host, _changes, _notes, null) { Kept = _kept };
        }
        catch (SetupFailedException e)
        {
            return new HostSetupResult(session.Host, _changes, _notes, e.Message) { Kept = _kept };
        }
    }

    /// <summary>
    /// The native daemon beside the host binary when one was published beside ours; otherwise none, since
    /// `slipway supervise` would exec a stale one left by an earlier setup.
    /// </summary>
    private async Task NativeDaemonAsync(CancellationToken ct)
    {
        var path = plan.NativeDaemonPath;
        if (binary.NativeDaemon is { } native)
        {
            await InstallExecutableAsync(path, native, ct);
            return;
        }

        var (result, output) = await RunAsync(ShellCommand.Create($"[ ! -e {path} ] || {{ rm -f {path} && echo removed {path}; }}"), ct);
        Check(result, "could not remove " + path, output);
        _changes.AddRange(output.Where(l => l.StartsWith("removed ", StringComparison.Ordinal)));
    }

    private Task<bool> InstallExecutableAsync(string path, BinarySource source, CancellationToken ct) =>
        EnsureFileAsync(path, source.Open, source.Sha256, Executable, "installed", ct);

    private async Task DirectoriesAsync(CancellationToken ct)
    {
        var lines = plan.Directories.Select(d => ShellCommand.Create($"[ -d {d} ] || {{ mkdir -p {d} && echo created {d}/; }} || exit 1"))
            .Concat(plan.LinkedFiles.Select(f => ShellCommand.Create($"[ -e {f} ] || echo missing {f}")));
        var (result, output) = await RunAsync(ShellCommand.Join("\n", lines), ct);
        Check(result, "could not create the directories under " + plan.DeployTo, output);
        foreach (var line in output)
        {
            if (line.StartsWith("created ", StringComparison.Ordinal))
            {
                _changes.Add(line);
            }
            else if (line.StartsWith("missing ", StringComparison.Ordinal))
            {
                _notes.Add($"linked file {line["missing ".Length..]} does not exist yet: create it on the host (setup never writes secrets)");
            }
        }
    }

    /// <summary>
    /// Each templated linked file that does not exist is written from its template: uploaded next to it, then hard-linked
    /// into place, which fails when the file appeared meanwhile, so an existing file (a secret) is never replaced.
    /// </summary>
    private async Task TemplatesAsync(CancellationToken ct)
    {
        foreach (var template in plan.Templates)
        {
            var (exists, existsOut) = await RunAsync(ShellCommand.Create($"if [ -e {template.Path} ] || [ -L {template.Path} ]; then echo exists; fi"), ct);
            Check(exists, "could not look at " + template.Path, existsOut);
            if (First(existsOut) == "exists")
            {
                _kept.Add($"kept existing {template.Path}");
                continue;
            }

            var staged = template.Path + ".slipway-template";
            await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(template.Content)))
            {
                await session.UploadAsync(stream, staged, template.Mode, ct);
            }

            var (placed, placedOut) = await RunAsync(ShellCommand.Create(
                $"if ln {staged} {template.Path} 2>/dev/null; then echo created; elif [ -e {template.Path} ]; then echo exists; else echo failed; fi; rm -f {staged}"), ct);
            Check(placed, "could not create " + template.Path, placedOut);
            switch (First(placedOut))
            {
                case "created":
                    _changes.Add($"created {template.Path} from its template (mode {ModeText(template.Mode)})");
                    break;
                case "exists":
                    _kept.Add($"kept existing {template.Path}");
                    break;
                default:
                    throw new SetupFailedException($"could not create {template.Path} from its template (ln failed)");
            }
        }
    }

    internal static string ModeText(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    /// <summary>Uploads <paramref name="path"/> when its sha256 differs, then checks the upload by its sha256.</summary>
    private async Task<bool> EnsureFileAsync(string path, Func<Stream> open, string sha256, UnixFileMode mode, string verb, CancellationToken ct)
    {
        if (await RemoteSha256Async(path, ct) == sha256)
        {
            return false;
        }

        await using (var stream = open())
        {
            await session.UploadAsync(stream, path, mode, ct);
        }

        var after = await RemoteSha256Async(path, ct);
        if (after != sha256)
        {
            throw new SetupFailedException($"{path} has sha256 {after ?? "(none)"} after the upload, expected {sha256}");
        }

        _changes.Add($"{verb} {path} (sha256 {sha256[..12]})");
        return true;
    }

    private async Task<string?> RemoteSha256Async(string path, CancellationToken ct)
    {
        var (result, output) = await RunAsync(ShellCommand.Create($"if [ -f {path} ]; then sha256sum < {path}; fi"), ct);
        Check(result, "could not read the sha256 of " + path, output);
        return output.Select(l => l.Split(' ', 2)[0]).FirstOrDefault(w => w.Length == 64 && w.All(char.IsAsciiHexDigitLower));
    }

    private async Task SlipwayDaemonAsync(CancellationToken ct)
    {
        var conf = Encoding.UTF8.GetBytes(plan.SupervisordConf!);
        var confChanged = await EnsureFileAsync(plan.SupervisordConfPath!, () => new MemoryStream(conf), BinarySource.Hex(SHA256.HashData(conf)),
            Readable, "wrote", ct);
        var (touch, touchOut) = await RunAsync(ShellCommand.Create($"[ -e {plan.ProgramsFile} ] || {{ : > {plan.ProgramsFile} && echo created {plan.ProgramsFile}; }}"), ct);
        Check(touch, "could not create " + plan.ProgramsFile, touchOut);
        _changes.AddRange(touchOut.Where(l => l.StartsWith("created ", StringComparison.Ordinal)));

        var (probe, probeOut) = await RunAsync(SystemdUnit.Probe, ct);
        Check(probe, "could not tell whether systemd runs here", probeOut);
        var decision = SystemdUnit.Decide(First(probeOut));
        if (decision.Note is not null)
        {
            _notes.Add(decision.Note);
        }

        var unit = SystemdUnit.UnitName(application);
        if (decision.Manager == DaemonManager.Systemd)
        {
            await SystemdUnitAsync(decision, unit, ct);
        }

        if (await AnswersAsync(ct))
        {
            if (confChanged)
            {
                _notes.Add($"the running daemon keeps its old settings until it restarts (kill -HUP $(cat {plan.PidFile}))");
            }

            return;
        }

        if (decision.Manager == DaemonManager.Systemd)
        {
            var (start, startOut) = await RunAsync(ShellCommand.Create($"systemctl start {unit}"), ct);
            Check(start, "systemctl could not start " + unit, startOut);
        }
        else
        {
            var (start, startOut) = await RunAsync(ShellCommand.Create($"{plan.BinaryPath} supervise -c {plan.SupervisordConfPath!}"), ct);
            Check(start, "slipway supervise did not start", startOut);
        }

        var wait = ShellCommand.Create(
            $"i=0; while ! {plan.BinaryPath} agent supervisor status --socket {plan.Socket} >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 60 ] || exit 1; sleep 0.25; done; cat {plan.PidFile!}");
        var (up, upOut) = await RunAsync(wait, ct);
        if (!up.Succeeded)
        {
            var (_, log) = await RunAsync(ShellCommand.Create($"tail -n 20 {plan.Layout.LogDir + "/supervisord.log"} 2>/dev/null"), ct);
            var status = decision.Manager == DaemonManager.Systemd ? $" (see systemctl status {unit}; journalctl -u {unit})" : "";
            throw new SetupFailedException($"slipway supervise does not answer on {plan.Socket} after 15 s{status}" + Tail(log));
        }

        _changes.Add(decision.Manager == DaemonManager.Systemd
            ? $"started {unit} (pid {First(upOut)?.Trim()})"
            : $"started slipway supervise (pid {First(upOut)?.Trim()})");
    }

    /// <summary>The unit file (rewritten only when it differs, then daemon-reload) and enabled at boot.</summary>
    private async Task SystemdUnitAsync(DaemonDecision decision, string unit, CancellationToken ct)
    {
        var text = Encoding.UTF8.GetBytes(SystemdUnit.Render(application, plan.DeployTo, plan.BinaryPath, plan.SupervisordConfPath!));
        var (mkdir, mkdirOut) = await RunAsync(ShellCommand.Create($"mkdir -p {decision.UnitDirectory}"), ct);
        Check(mkdir, "could not create " + decision.UnitDirectory, mkdirOut);
        var written = await EnsureFileAsync(decision.UnitDirectory + "/" + unit, () => new MemoryStream(text), BinarySource.Hex(SHA256.HashData(text)),
            Readable, "wrote", ct);
        if (written)
        {
            var (reload, reloadOut) = await RunAsync(ShellCommand.Raw("systemctl daemon-reload"), ct);
            Check(reload, "systemctl daemon-reload failed", reloadOut);
        }

        var (enabled, _) = await RunAsync(ShellCommand.Create($"systemctl is-enabled --quiet {unit}"), ct);
        if (!enabled.Succeeded)
        {
            var (enable, enableOut) = await RunAsync(ShellCommand.Create($"systemctl enable {unit}"), ct);
            Check(enable, "systemctl could not enable " + unit, enableOut);
            _changes.Add($"enabled {unit} (started at boot)");
        }
    }

    private async Task SupervisordAsync(CancellationToken ct)
    {
        if (!await AnswersAsync(ct))
        {
            var (_, why) = await RunAsync(ShellCommand.Create($"{plan.BinaryPath} agent supervisor status --socket {plan.Socket} 2>&1 >/dev/null"), ct);
            throw new SetupFailedException($"supervisord does not answer on {plan.Socket}" + Tail(why) +
                "\n(install and start it: apt-get install supervisor; or set supervisor.socket)");
        }

        var dir = Path.GetDirectoryName(plan.ProgramsFile)!;
        var (_, writable) = await RunAsync(ShellCommand.Create($"[ -d {dir} ] && [ -w {dir} ] && echo yes"), ct);
        if (First(writable) != "yes")
        {
            throw new SetupFailedException($"{dir} (where the programs file {plan.ProgramsFile} goes) is missing or not writable by the deploy user");
        }

        var (_, included) = await RunAsync(
            ShellCommand.Create($"grep -hs '^files' /etc/supervisor/supervisord.conf /etc/supervisord.conf | grep -qF {dir} && echo yes"), ct);
        if (First(included) != "yes")
        {
            _notes.Add($"could not find {dir} in the [include] files= of /etc/supervisor/supervisord.conf: make sure supervisord reads {plan.ProgramsFile}");
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken ct)
    {
        var (result, _) = await RunAsync(ShellCommand.Create($"{plan.BinaryPath} agent supervisor status --socket {plan.Socket} >/dev/null 2>&1"), ct);
        return result.Succeeded;
    }

    private async Task<(CommandResult Result, IReadOnlyList<string> Output)> RunAsync(ShellCommand command, CancellationToken ct)
    {
        // Only stdout is parsed; stderr reaches messages through the result's StderrTail.
        var lines = new List<string>();
        var result = await session.RunAsync(command, new RunOptions
        {
            Output = l =>
            {
                if (l.Kind == OutputKind.Stdout)
                {
                    lock (lines)
                    {
                        lines.Add(l.Text);
                    }
                }
            },
        }, ct);
        lock (lines)
        {
            return (result, lines.ToList());
        }
    }

    private static void Check(CommandResult result, string what, IReadOnlyList<string> output)
    {
        if (!result.Succeeded)
        {
            throw new SetupFailedException(what + $" (exit {result.ExitCode.ToString(CultureInfo.InvariantCulture)})" + Tail(output.Concat(result.StderrTail).Distinct().ToList()));
        }
    }

    private static string? First(IReadOnlyList<string> lines) => lines.Count > 0 ? lines[0] : null;

    private static string Tail(IReadOnlyList<string> lines) =>
        lines.Count == 0 ? "" : ":\n" + string.Join("\n", lines.TakeLast(20).Select(l => "  | " + l));
}

internal sealed class SetupFailedException(string message) : Exception(message);
