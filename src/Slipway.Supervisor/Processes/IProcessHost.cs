using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Processes;

/// <summary>What a <see cref="Subprocess"/> needs from the daemon: starting, signalling and logging.</summary>
public interface IProcessHost
{
    /// <summary>Resolves the command and starts the child, wiring its output; throws <see cref="SpawnException"/>.</summary>
    SpawnedChild Spawn(Subprocess process);

    /// <summary>kill(2): 0 on success, else the errno.</summary>
    int Kill(int pid, int signal);

    /// <summary>The child was reaped: close its stdin (its output pipes drain to EOF on their own).</summary>
    void Detach(Subprocess process);

    void Log(string level, string message);

    /// <summary>The process entered a new state; <paramref name="expected"/> is false for an unexpected exit.</summary>
    void StateChanged(Subprocess process, ProcessState from, bool expected);

    /// <summary>Whether the process may be spawned now (its <c>depends_on</c> are ready); always true without dependencies.</summary>
    bool MayStart(Subprocess process) => true;
}
