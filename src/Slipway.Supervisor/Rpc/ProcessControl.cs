using Slipway.Supervisor.Config;
using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Processes;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>
/// start / stop / signal of a process or a group, with supervisord's faults and deferred replies, and depends_on's
/// ordering. Runs under the daemon's gate.
/// </summary>
internal sealed class ProcessControl(Func<SupervisorDaemon> daemon)
{
    private SupervisorDaemon D => daemon();

    internal object? StartProcess(string name, bool wait)
    {
        Namespecs.EnsureRunning(D);
        var (g, p) = Namespecs.Find(D, name);
        if (p is null)
        {
            return StartGroup(Namespecs.Split(name).Group, wait);
        }

        try
        {
            CommandResolver.Resolve(p.Config.Command, D.BaseEnvironment.GetValueOrDefault("PATH"));
        }
        catch (NotFoundException e)
        {
            throw Faults.Error(Faults.NoFile, e.Message);
        }
        catch (Native.SpawnException e)
        {
            throw Faults.Error(Faults.NotExecutable, e.Message);
        }

        if (ProcessStates.IsRunning(p.State))
        {
            throw Faults.Error(Faults.AlreadyStarted, name);
        }

        if (p.State == ProcessState.Unknown)
        {
            throw Faults.Error(Faults.Failed, $"{name} is in an unknown process state");
        }

        if (D.Dependencies.UsesDependencies)
        {
            D.Dependencies.BringBackDependents(p);
        }

        if (!D.Dependencies.MayStart(p))
        {
            // depends_on: start (and wait for) the dependencies first; the loop spawns this one once they are ready.
            D.Dependencies.QueueStart(p);
            if (!wait)
            {
                return true;
            }

            return D.DeferAsync(() => D.Dependencies.IsQueuedForStart(p) ? SupervisorDaemon.Pending
                : D.Dependencies.TakeStartCancellation(p) is not null || p.SpawnError is not null ? throw Faults.Error(Faults.SpawnError, name)
                : p.State switch
                {
                    ProcessState.Running => true,
                    ProcessState.Starting => SupervisorDaemon.Pending,
                    _ => throw Faults.Error(Faults.AbnormalTermination, name),
                });
        }

        p.ResetRestartDelay();
        p.Spawn();
        D.ReapNow(); // a child that died at once shows as a spawn error straight away, as in supervisord
        if (p.SpawnError is not null)
        {
            throw Faults.Error(Faults.SpawnError, name);
        }

        p.Transition(D.Mood == SupervisorMood.Running); // startsecs=0: RUNNING now
        if (wait && p.State != ProcessState.Running)
        {
            return D.DeferAsync(() => p.SpawnError is not null ? throw Faults.Error(Faults.SpawnError, name) : p.State switch
            {
                ProcessState.Running => true,
                ProcessState.Starting => SupervisorDaemon.Pending,
                _ => throw Faults.Error(Faults.AbnormalTermination, name),
            });
        }

        _ = g;
        return true;
    }

    internal object? StartGroup(string name, bool wait)
    {
        Namespecs.EnsureRunning(D);
        var group = D.FindGroup(name) ?? throw Faults.Error(Faults.BadName, name);
        D.PrespawnForStart(group.Processes);
        return BatchCall.Run(D, group.Processes.Select(p => (group, p)), p => !ProcessStates.IsRunning(p.State), n => StartProcess(n, wait));
    }

    internal object? StopProcess(string name, bool wait)
    {
        Namespecs.EnsureRunning(D);
        var (_, p) = Namespecs.Find(D, name);
        if (p is null)
        {
            return StopGroup(Namespecs.Split(name).Group, wait);
        }

        if (D.Dependencies.UsesDependencies)
        {
            D.Dependencies.StoppedOnPurpose(p);
        }

        if (D.Dependencies.UsesDependencies && (p.State == ProcessState.Stopping || D.Dependencies.IsQueuedForStop(p)))
        {
            // already being stopped because something it depends on is (stop all): wait for it like the others
            return wait ? D.DeferAsync(() => ProcessStates.IsStopped(p.State) ? true : SupervisorDaemon.Pending) : true;
        }

        if (D.Dependencies.UsesDependencies && D.Dependencies.IsQueuedForStart(p))
        {
            D.Dependencies.CancelQueuedStart(p);
            return true;
        }

        if (!ProcessStates.IsRunning(p.State))
        {
            throw Faults.Error(Faults.NotRunning, name);
        }

        if (D.Dependencies.RequestStop(p) is { } message)
        {
            throw Faults.Error(Faults.Failed, message);
        }

        if (wait && !ProcessStates.IsStopped(p.State))
        {
            return D.DeferAsync(() =>
            {
                p.StopReport();
                return ProcessStates.IsStopped(p.State) ? true : SupervisorDaemon.Pending;
            });
        }

        return true;
    }

    internal object? StopGroup(string name, bool wait)
    {
        Namespecs.EnsureRunning(D);
        var group = D.FindGroup(name) ?? throw Faults.Error(Faults.BadName, name);
        var targets = D.Rescaler.StopTargets(group) ?? group.Processes; // update_in_place: only the processes that go
        return BatchCall.Run(D, targets.Select(p => (group, p)), p => ProcessStates.IsRunning(p.State), n => StopProcess(n, wait));
    }

    internal object? SignalProcess(string name, string signal)
    {
        Namespecs.EnsureRunning(D);
        var (_, p) = Namespecs.Find(D, name);
        if (p is null)
        {
            return SignalGroup(Namespecs.Split(name).Group, signal);
        }

        var number = SignalNumber(signal);
        if (!ProcessStates.IsSignallable(p.State))
        {
            throw Faults.Error(Faults.NotRunning, name);
        }

        return p.Signal(number) is { } message ? throw Faults.Error(Faults.Failed, message) : true;
    }

    internal object? SignalGroup(string name, string signal)
    {
        Namespecs.EnsureRunning(D);
        var group = D.FindGroup(name) ?? throw Faults.Error(Faults.BadName, name);
        return BatchCall.Run(D, group.Processes.Select(p => (group, p)), p => ProcessStates.IsSignallable(p.State), n => SignalProcess(n, signal));
    }

    private static int SignalNumber(string signal)
    {
        try
        {
            return DataTypes.Signal(signal);
        }
        catch (FormatException)
        {
            throw Faults.Error(Faults.BadSignal, signal);
        }
    }
}
