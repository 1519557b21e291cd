namespace Slipway.Supervisor.Processes;

/// <summary>supervisord's process states, with its numeric codes.</summary>
public enum ProcessState
{
    Stopped = 0,
    Starting = 10,
    Running = 20,
    Backoff = 30,
    Stopping = 40,
    Exited = 100,
    Fatal = 200,
    Unknown = 1000,
}

public static class ProcessStates
{
    public static string Name(ProcessState state) => state.ToString().ToUpperInvariant();

    public static bool IsStopped(ProcessState s) => s is ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal or ProcessState.Unknown;

    public static bool IsRunning(ProcessState s) => s is ProcessState.Starting or ProcessState.Running or ProcessState.Backoff;

    public static bool IsSignallable(ProcessState s) => s is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping;
}
