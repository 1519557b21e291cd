using System.Globalization;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Processes;

/// <summary>
/// One supervised process and supervisord's state machine for it (process.py): spawn, startsecs, BACKOFF with a
/// linear delay, FATAL after startretries, autorestart, exitcodes, stop with stopsignal then SIGKILL after
/// stopwaitsecs. Not thread-safe: the daemon calls it under its one lock. Time comes from the TimeProvider.
/// </summary>
public sealed class Subprocess(ProcessConfig config, string groupName, IProcessHost host, TimeProvider time)
{
    public ProcessConfig Config { get; } = config;

    public string GroupName { get; } = groupName;

    public ProcessState State { get; private set; } = ProcessState.Stopped;

    public int Pid { get; private set; }

    /// <summary>Seconds since the epoch of the last spawn (0 = never started), as supervisord's laststart.</summary>
    public double LastStart { get; private set; }

    public double LastStop { get; private set; }

    public string? SpawnError { get; private set; }

    public int? ExitStatus { get; private set; }

    public int Backoff { get; private set; }

    /// <summary>When the next step is due: the BACKOFF retry or the SIGKILL of a STOPPING process.</summary>
    public double Delay { get; private set; }

    public bool Killing { get; private set; }

    public SpawnedChild? Child { get; private set; }

    /// <summary>
    /// RUNNING, but its start still waits for a first passing health check (<c>healthcheck_action=restart</c>): until
    /// <see cref="ConfirmStart"/>, the BACKOFF count of earlier failed starts is kept.
    /// </summary>
    public bool StartUnconfirmed { get; private set; }

    private string? _failedStart;

    /// <summary>Resolved log paths (AUTO names are made by the daemon).</summary>
    public string? StdoutLogFile { get; set; }

    public string? StderrLogFile { get; set; }

    public string Namespec => GroupName == Config.Name ? Config.Name : GroupName + ":" + Config.Name;

    private double Now => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Starts the process (STOPPED/EXITED/FATAL/BACKOFF → STARTING, or BACKOFF when it cannot start).</summary>
    public void Spawn()
    {
        if (Pid != 0)
        {
            host.Log("warn", $"process '{Config.Name}' already running");
            return;
        }

        Killing = false;
        SpawnError = null;
        ExitStatus = null;
        LastStart = Now;
        Starts++;
        ChangeState(ProcessState.Starting);
        try
        {
            var child = host.Spawn(this);
            if (child.LaunchedAt is { } launchedAt && launchedAt < LastStart)
            {
                // Started ahead in a batch: startsecs counts from its own spawn, as supervisord's laststart does,
                // not from when the loop got round to it (which would make the batch's last RUNNING later).
                LastStart = launchedAt;
            }

            Child = child;
            Pid = child.Pid;
            host.Log("info", $"spawned: '{Config.Name}' with pid {Pid}");
        }
        catch (SpawnException e)
        {
            SpawnError = e.Message;
            host.Log("info", $"spawnerr: {e.Message}");
            ChangeState(ProcessState.Backoff);
        }
    }

    /// <summary>One step of the main loop: autostart, autorestart, BACKOFF retries, STARTING→RUNNING, kill on timeout.</summary>
    public void Transition(bool accepting)
    {
        var now = Now;
        var state = State;
        if (accepting && WouldSpawn())
        {
            if (state == ProcessState.Exited)
            {
                AutoRestarts++;
            }

            Spawn();
        }

        if (state == ProcessState.Starting && now - LastStart > Config.StartSecs)
        {
            Delay = 0;
            StartUnconfirmed = Config.Extras.HealthCheck is { Restart: true };
            if (!StartUnconfirmed)
            {
                Backoff = 0;
            }

            ChangeState(ProcessState.Running);
            host.Log("info", $"success: {Config.Name} entered RUNNING state, process has stayed up for > than {Config.StartSecs} seconds (startsecs)");
        }

        if (state == ProcessState.Backoff)
        {
            if (Backoff > Config.StartRetries)
            {
                GiveUp();
                host.Log("info", $"gave up: {Config.Name} entered FATAL state, too many start retries too quickly");
            }
        }
        else if (state == ProcessState.Stopping && Delay - now <= 0)
        {
            // supervisord's words and level for the stopwaitsecs escalation; operators grep their logs for them.
            host.Log("warn", $"killing '{Config.Name}' ({Pid}) with SIGKILL");
            Kill(9);
        }
    }

    /// <summary>
    /// Whether the process is due to be started by the loop: autostart of one never started, autorestart of an
    /// EXITED one, or the retry of one in BACKOFF with retries left (ignoring delays and dependencies).
    /// </summary>
    public bool WantsToRun() => Pid == 0 && State switch
    {
        ProcessState.Exited => Config.AutoRestart == AutoRestart.Always ||
            (Config.AutoRestart == AutoRestart.Unexpected && !Config.ExitCodes.Contains(ExitStatus ?? -1)),
        ProcessState.Stopped => LastStart == 0 && Config.AutoStart,
        ProcessState.Backoff => Backoff <= Config.StartRetries,
        _ => false,
    };

    /// <summary>Whether <see cref="Transition"/> (accepting) would spawn this process now.</summary>
    public bool WouldSpawn() => WantsToRun() && State switch
    {
        ProcessState.Backoff => Now > Delay,
        ProcessState.Exited => Now >= RestartDue,
        _ => true,
    } && host.MayStart(this);

    /// <summary>restartdelay: when an EXITED process may be restarted (supervisord: at once).</summary>
    private double RestartDue => LastStop + RestartDelay;

    /// <summary>Automatic restarts from EXITED in a row, since the process last stayed up for restartdelay_max.</summary>
    public int AutoRestarts { get; private set; }

    /// <summary>The wait before the next autorestart: restartdelay, or with restartdelay_max the doubled delay of a crash loop.</summary>
    public double RestartDelay => Config.Extras.RestartDelayMax is { } cap
        ? Math.Min(cap, (Config.Extras.RestartDelay > 0 ? Config.Extras.RestartDelay : 1) * Math.Pow(2, Math.Min(AutoRestarts, 30)))
        : Config.Extras.RestartDelay;

    /// <summary>An administrative start or stop ends a crash loop: the next autorestart waits the base delay again.</summary>
    public void ResetRestartDelay() => AutoRestarts = 0;

    /// <summary>How many times the process has been spawned (for /metrics).</summary>
    public int Starts { get; private set; }

    /// <summary>The next time <see cref="Transition"/> has something to do, in epoch seconds (or null).</summary>
    public double? NextDeadline(bool accepting) => State switch
    {
        ProcessState.Starting => LastStart + Config.StartSecs + 0.001,
        ProcessState.Backoff when accepting => Backoff > Config.StartRetries ? Now : host.MayStart(this) ? Delay + 0.001 : null,
        ProcessState.Stopping => Delay,
        ProcessState.Exited when accepting && WantsToRun() && host.MayStart(this) => RestartDelay > 0 ? RestartDue + 0.001 : Now,
        ProcessState.Stopped when accepting && LastStart == 0 && Config.AutoStart && host.MayStart(this) => Now,
        _ => null,
    };

    /// <summary>The delay before BACKOFF try <paramref name="n"/>: n seconds (supervisord), or 2^(n-1) up to backoff_max.</summary>
    public static double BackoffDelay(int n, int? max) =>
        max is { } cap ? Math.Min(cap, Math.Pow(2, Math.Min(n - 1, 30))) : n;

    /// <summary>BACKOFF → FATAL.</summary>
    public void GiveUp()
    {
        Delay = 0;
        Backoff = 0;
        ChangeState(ProcessState.Fatal);
    }

    /// <summary>The first health check passed: the start succeeded, as RUNNING means for a process without one.</summary>
    public void ConfirmStart()
    {
        if (StartUnconfirmed)
        {
            StartUnconfirmed = false;
            Backoff = 0;
        }
    }

    /// <summary>
    /// Never healthy: stopped, and counted like a start that failed (BACKOFF, then FATAL after startretries), so a
    /// broken release does not restart for ever unseen. Returns an error message or null.
    /// </summary>
    public string? FailStart(string why)
    {
        _failedStart = why;
        return Stop();
    }

    /// <summary>Administrative stop: the stop signal now, SIGKILL after stopwaitsecs. Returns an error message or null.</summary>
    public string? Stop()
    {
        _lastStopReport = 0;
        return Kill(Config.StopSignal);
    }

    private double _lastStopReport;

    /// <summary>
    /// "waiting for NAME to stop" while a stop a client waits on is pending, at most every 2 seconds, as supervisord's
    /// stop_report (called each time its stopProcess reply is polled).
    /// </summary>
    public void StopReport()
    {
        if (State != ProcessState.Stopping)
        {
            return;
        }

        var now = Now;
        if (now < _lastStopReport)
        {
            _lastStopReport = now; // the clock went back
        }

        if (now > _lastStopReport + 2)
        {
            host.Log("info", $"waiting for {Config.Name} to stop");
            _lastStopReport = now;
        }
    }

    public string? Kill(int signal)
    {
        var now = Now;
        if (State == ProcessState.Backoff)
        {
            host.Log("debug", $"Attempted to kill {Config.Name}, which is in BACKOFF state.");
            ChangeState(ProcessState.Stopped);
            return null;
        }

        if (Pid == 0)
        {
            var message = $"attempted to kill {Config.Name} with sig {DataTypes.SignalName(signal)} but it wasn't running";
            host.Log("debug", message);
            return message;
        }

        var asGroup = State == ProcessState.Stopping ? Config.KillAsGroup : Config.StopAsGroup;
        host.Log("debug", $"killing {Config.Name} (pid {Pid}) {(asGroup ? "process group " : "")}with signal {DataTypes.SignalName(signal)}");
        Killing = true;
        Delay = now + Config.StopWaitSecs;
        ChangeState(ProcessState.Stopping);
        var errno = host.Kill(asGroup ? -Pid : Pid, signal);
        if (errno != 0 && errno != Posix.ESrch)
        {
            var message = $"unknown problem killing {Config.Name} ({Pid}):{Posix.StrError(errno)}";
            host.Log("critical", message);
            ChangeState(ProcessState.Unknown);
            Killing = false;
            Delay = 0;
            return message;
        }

        return null;
    }

    /// <summary>Sends a signal without changing state (supervisorctl signal).</summary>
    public string? Signal(int signal)
    {
        if (Pid == 0)
        {
            return $"attempted to send {Config.Name} sig {DataTypes.SignalName(signal)} but it wasn't running";
        }

        var errno = host.Kill(Pid, signal);
        if (errno != 0 && errno != Posix.ESrch)
        {
            var message = $"unknown problem sending sig {Config.Name} ({Pid}):{Posix.StrError(errno)}";
            ChangeState(ProcessState.Unknown);
            return message;
        }

        return null;
    }

    /// <summary>The child was reaped with wait status <paramref name="status"/>.</summary>
    public void Finish(int status)
    {
        var (exitCode, how) = DecodeWaitStatus(status);
        var now = Now;
        LastStop = now;
        // >= (not >): our clock has millisecond resolution, and a child can live less than one.
        var tooQuickly = now >= LastStart && now - LastStart < Config.StartSecs;
        if (Killing || (Config.Extras.RestartDelayMax is { } cap && now - LastStart >= cap))
        {
            AutoRestarts = 0; // stopped on purpose, or up long enough: not a crash loop
        }

        var expected = Config.ExitCodes.Contains(exitCode);
        if (Killing && _failedStart is { } why)
        {
            Killing = false;
            _failedStart = null;
            StartUnconfirmed = false;
            ExitStatus = null;
            SpawnError = why;
            host.Log("warn", $"stopped: {Config.Name} ({how}; {why}, counted as a failed start)");
            ChangeState(ProcessState.Backoff);
        }
        else if (Killing)
        {
            Killing = false;
            Delay = 0;
            ExitStatus = exitCode;
            if (StartUnconfirmed)
            {
                StartUnconfirmed = false;
                Backoff = 0; // stopped on purpose before its first healthy check: not a failed start
            }

            host.Log(expected ? "info" : "warn", $"stopped: {Config.Name} ({how})");
            ChangeState(ProcessState.Stopped);
        }
        else if (tooQuickly && State == ProcessState.Starting)
        {
            ExitStatus = null;
            SpawnError = "Exited too quickly (process log may have details)";
            host.Log("warn", $"exited: {Config.Name} ({how}; not expected)");
            ChangeState(ProcessState.Backoff);
        }
        else
        {
            Delay = 0;
            Backoff = 0;
            StartUnconfirmed = false;
            ExitStatus = exitCode;
            if (State == ProcessState.Starting)
            {
                ChangeState(ProcessState.Running);
            }

            if (expected)
            {
                host.Log("info", $"exited: {Config.Name} ({how}; expected)");
            }
            else
            {
                SpawnError = "Bad exit code " + exitCode.ToString(CultureInfo.InvariantCulture);
                host.Log("warn", $"exited: {Config.Name} ({how}; not expected)");
            }

            ChangeState(ProcessState.Exited, expected);
        }

        Pid = 0;
        host.Detach(this);
        Child = null;
    }

    /// <summary>supervisord's decode_wait_status: (exit code or -1, "exit status N" / "terminated by SIGX").</summary>
    public static (int Code, string Message) DecodeWaitStatus(int status)
    {
        if (Posix.WIfExited(status))
        {
            var code = Posix.WExitStatus(status);
            return (code, "exit status " + code.ToString(CultureInfo.InvariantCulture));
        }

        if (Posix.WIfSignaled(status))
        {
            var message = "terminated by " + DataTypes.SignalName(Posix.WTermSig(status));
            return (-1, Posix.WCoreDump(status) ? message + " (core dumped)" : message);
        }

        return (-1, "unknown termination cause 0x" + status.ToString("x4", CultureInfo.InvariantCulture));
    }

    internal void ChangeState(ProcessState next, bool expected = true)
    {
        var from = State;
        if (next == ProcessState.Backoff)
        {
            Backoff++;
            Delay = Now + BackoffDelay(Backoff, Config.Extras.BackoffMax);
        }

        State = next;
        if (from != next)
        {
            host.StateChanged(this, from, expected);
        }
    }
}
