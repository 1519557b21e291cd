using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Slipway.Core.Shell;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// A <c>/bin/sh</c> kept running on the host for the life of the master connection: the master's own session. Each
/// command is one line written to its stdin, so a command costs a write and a fork on the host instead of a local ssh
/// process, a new channel and a login shell. One command at a time; a busy shell makes the caller fall back to a
/// multiplexed ssh client.
/// </summary>
/// <remarks>
/// The driver (<see cref="Driver"/>) runs each command in the background, in a session of its own (setsid), with stdin
/// from /dev/null, and goes back to reading its stdin. When the command ends, a line <c>MARK RC</c> goes to stdout and
/// <c>MARK</c> to stderr; output before those markers is the command's. The mark is random per connection and is never
/// in any argv, so command output cannot forge it. Stopping (cancel, time-out) is a <c>slw_kill</c> line: TERM to the
/// command's process group, KILL 2 s later; the end markers follow as usual. When the channel closes (our process
/// died, the connection dropped, the master was stopped) the driver reads EOF and its EXIT trap stops a command that is
/// still running, as <see cref="CommandScript.KillOnDisconnect"/> does for one-off commands.
/// </remarks>
internal sealed class RemoteShell
{
    /// <summary>The remote command of the master session; the driver itself arrives on stdin.</summary>
    public const string RemoteCommand = "exec /bin/sh -s";

    private static readonly TimeSpan KillLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PumpDrainLimit = TimeSpan.FromSeconds(2);
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly Process _process;
    private readonly string _mark = "::slipway-end:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Pending? _pending;
    private Task _pumps = Task.CompletedTask;
    private volatile bool _dead;
    private int _busy;
    private bool _ended;

    private RemoteShell(Process process) => _process = process;

    /// <summary>The process ended or stopped answering: every later command goes through a multiplexed client.</summary>
    public bool Dead => _dead;

    /// <summary>
    /// The last line ssh wrote on its stderr: where the client says why a connection ended ("Connection to … closed by
    /// remote host."), which its -E log does not have.
    /// </summary>
    public string LastStderrLine { get; private set; } = "";

    /// <summary>The script the host's <c>/bin/sh -s</c> reads first; ends by printing <c>READY MARK</c>.</summary>
    public static string Driver(string mark) => $$"""
        slw_m={{ShellQuote.Quote(mark)}}
        slw_d=$(mktemp -d "${TMPDIR:-/tmp}/slw-sh.XXXXXX") || exit 1
        slw_s=; if command -v setsid >/dev/null 2>&1; then slw_s=setsid; fi
        printf 'idle\n' > "$slw_d/state"
        slw_run() {
          : > "$slw_d/pid"; printf 'running\n' > "$slw_d/state"
          ( $slw_s /bin/sh -c 'printf "%s\n" "$$" > "$0"; eval "$1"' "$slw_d/pid" "$1" </dev/null
            slw_rc=$?; printf 'idle\n' > "$slw_d/state"
            printf '%s %s\n' "$slw_m" "$slw_rc"; printf '%s\n' "$slw_m" >&2 ) &
        }
        slw_kill() {
          read slw_st < "$slw_d/state"; [ "$slw_st" = running ] || return 0
          slw_p=; slw_i=0
          while [ -z "$slw_p" ] && [ "$slw_i" -lt 50 ]; do read slw_p < "$slw_d/pid" || sleep 0.1; slw_i=$((slw_i + 1)); done
          [ -n "$slw_p" ] || return 0
          kill -TERM -"$slw_p" 2>/dev/null || kill -TERM "$slw_p" 2>/dev/null
          ( sleep 2; kill -KILL -"$slw_p" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
        }
        trap 'slw_kill; rm -rf "$slw_d"' EXIT
        trap 'exit 1' HUP TERM
        printf 'READY %s\n' "$slw_m"

        """;

    /// <summary>
    /// Takes over the started master's pipes and sends the driver. <see cref="Ready"/> completes with true once the
    /// host answers (the connection is up and the control socket listens), false when ssh exits first.
    /// </summary>
    public static RemoteShell Start(Process process)
    {
        var shell = new RemoteShell(process);
        shell._pumps = Task.WhenAll(
            shell.PumpAsync(process.StandardOutput, OutputKind.Stdout), shell.PumpAsync(process.StandardError, OutputKind.Stderr));
        _ = shell.WriteAsync(Driver(shell._mark), CancellationToken.None);
        return shell;
    }

    public Task<bool> Ready => _ready.Task;

    /// <summary>
    /// Runs <paramref name="text"/> (shell code) on the host. Null when the shell is busy or dead (use another channel).
    /// Cancellation and <paramref name="limit"/> stop the command on the host first; <see cref="ShellOutcome.ConnectionLost"/>
    /// says the connection went away mid-command.
    /// </summary>
    public async Task<ShellOutcome?> TryRunAsync(string text, Action<OutputLine>? output, TimeSpan? limit, CancellationToken ct)
    {
        if (_dead || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return null;
        }

        try
        {
            if (_dead)
            {
                return null;
            }

            var pending = new Pending(output);
            lock (_lock)
            {
                // The pumps may have seen EOF between the check above and here: then nothing would ever end this command.
                if (_ended)
                {
                    return ShellOutcome.ConnectionLost;
                }

                _pending = pending;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (limit is { } l)
            {
                timeout.CancelAfter(l);
            }

            try
            {
                await WriteAsync("slw_run " + ShellQuote.Quote(text) + "\n", timeout.Token);
                var exitCode = await pending.Done.Task.WaitAsync(timeout.Token);
                if (exitCode is { } code)
                {
                    return pending.Outcome(code);
                }

                // Lost: let ssh finish writing why (its last stderr line) before anyone reads LastStderrLine.
                await _pumps.WaitAsync(PumpDrainLimit, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                return ShellOutcome.ConnectionLost;
            }
            catch (OperationCanceledException)
            {
                await StopAsync(pending);
                throw;
            }
            finally
            {
                lock (_lock)
                {
                    _pending = null;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Closes the driver's stdin: it stops a command still running, removes its temp dir, and exits.</summary>
    public void Close()
    {
        _dead = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    /// <summary>Asks the driver to stop the command; if it cannot (no answer in time), the whole connection goes.</summary>
    private async Task StopAsync(Pending pending)
    {
        try
        {
            using var limit = new CancellationTokenSource(KillLimit);
            await WriteAsync("slw_kill\n", limit.Token);
            await pending.Done.Task.WaitAsync(limit.Token);
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // No answer: fall through.
        }

        _dead = true;
        await ChildProcess.KillAndReapAsync(_process);
    }

    private async Task WriteAsync(string text, CancellationToken ct)
    {
        var bytes = Utf8.GetBytes(text);
        try
        {
            var stdin = _process.StandardInput.BaseStream;
            await stdin.WriteAsync(bytes, ct);
            await stdin.FlushAsync(ct);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone; the pump sees EOF and fails whatever is pending.
            _dead = true;
        }
    }

    private async Task PumpAsync(StreamReader reader, OutputKind kind)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                Accept(kind, line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Treated as EOF below.
        }

        _dead = true;
        _ready.TrySetResult(false);
        lock (_lock)
        {
            _ended = true;
            _pending?.Lost();
        }
    }

    private void Accept(OutputKind kind, string line)
    {
        if (kind == OutputKind.Stderr)
        {
            LastStderrLine = line;
        }

        if (!_ready.Task.IsCompleted)
        {
            // Anything a login script prints before the driver runs is not ours.
            if (kind == OutputKind.Stdout && line == "READY " + _mark)
            {
                _ready.TrySetResult(true);
            }

            return;
        }

        Pending? pending;
        lock (_lock)
        {
            pending = _pending;
        }

        var at = line.IndexOf(_mark, StringComparison.Ordinal);
        var text = at < 0 ? line : line[..at];
        if (text.Length > 0 || at < 0)
        {
            pending?.Line(kind, text);
        }

        if (at >= 0 && pending is not null)
        {
            var rest = line[(at + _mark.Length)..].Trim();
            pending.End(kind, kind == OutputKind.Stdout && int.TryParse(rest, System.Globalization.CultureInfo.InvariantCulture, out var rc) ? rc : 0);
        }
    }

    /// <summary>The command in flight: its output, and which of the two end markers have arrived.</summary>
    private sealed class Pending(Action<OutputLine>? output)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly TailBuffer _stdout = new();
        private readonly TailBuffer _stderr = new();
        private readonly Lock _lock = new();
        private bool _stdoutEnded;
        private bool _stderrEnded;
        private int _exitCode;

        /// <summary>The exit code, or null when the connection was lost first.</summary>
        public TaskCompletionSource<int?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Line(OutputKind kind, string text)
        {
            (kind == OutputKind.Stdout ? _stdout : _stderr).Add(text);
            output?.Invoke(new OutputLine(kind, text));
        }

        public void End(OutputKind kind, int exitCode)
        {
            lock (_lock)
            {
                if (kind == OutputKind.Stdout)
                {
                    _stdoutEnded = true;
                    _exitCode = exitCode;
                }
                else
                {
                    _stderrEnded = true;
                }

                if (_stdoutEnded && _stderrEnded)
                {
                    Done.TrySetResult(_exitCode);
                }
            }
        }

        public void Lost() => Done.TrySetResult(null);

        public ShellOutcome Outcome(int exitCode) => new(new ProcessOutcome(exitCode, _clock.Elapsed, _stdout.Snapshot(), _stderr.Snapshot()));
    }
}

/// <summary>How a command on the <see cref="RemoteShell"/> ended: its outcome, or the connection was lost.</summary>
internal sealed record ShellOutcome(ProcessOutcome? Result)
{
    public static readonly ShellOutcome ConnectionLost = new((ProcessOutcome?)null);
}
