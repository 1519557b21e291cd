namespace Slipway.Remote;

/// <summary>How a run reaches its ssh hosts.</summary>
public enum ConnectionMode
{
    /// <summary>One master connection per host, shared by every command and upload of the run (deploys, hooks).</summary>
    Multiplexed,

    /// <summary>
    /// Each command opens its own connection, as <c>ssh HOST COMMAND</c> does. For runs of one command per host
    /// (<c>slipway exec</c>), where a master would only add a process and a round trip to the same single connection.
    /// </summary>
    Direct,
}
