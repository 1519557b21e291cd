using System.Globalization;
using System.Text;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Events;

/// <summary>
/// One event, its payload rendered when it happened (as events.py does, so a pid that changes later does not
/// leak in). The global serial is given when the first pool accepts it; each pool adds its own serial.
/// </summary>
public sealed class SupervisorEvent(string name, string payload)
{
    public string Name { get; } = name;

    public string Payload { get; } = payload;

    /// <summary>-1 until a pool has accepted it.</summary>
    public long Serial { get; set; } = -1;

    public Dictionary<string, long> PoolSerials { get; } = new(StringComparer.Ordinal);

    /// <summary>The header line and payload a listener reads: <c>ver:3.0 server:ID serial:N pool:P poolserial:N eventname:X len:N\n</c>.</summary>
    public byte[] Envelope(string identifier, string pool)
    {
        // len counts characters (Python's len of the str payload), and the listener reads that many characters.
        var length = Payload.EnumerateRunes().Count();
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"ver:3.0 server:{identifier} serial:{Serial} pool:{pool} poolserial:{PoolSerials[pool]} eventname:{Name} len:{length}\n{Payload}"));
    }

    /// <summary>PROCESS_STATE_*: <c>processname:x groupname:g from_state:S</c> plus tries (STARTING, BACKOFF), expected and pid (EXITED), or pid (RUNNING, STOPPING, STOPPED).</summary>
    public static SupervisorEvent ProcessState(Subprocess process, ProcessState from, bool expected)
    {
        var payload = new StringBuilder();
        payload.Append(CultureInfo.InvariantCulture, $"processname:{process.Config.Name} groupname:{process.GroupName} from_state:{ProcessStates.Name(from)}");
        switch (process.State)
        {
            case Processes.ProcessState.Starting or Processes.ProcessState.Backoff:
                payload.Append(CultureInfo.InvariantCulture, $" tries:{process.Backoff}");
                break;
            case Processes.ProcessState.Exited:
                payload.Append(CultureInfo.InvariantCulture, $" expected:{(expected ? 1 : 0)} pid:{process.Pid}");
                break;
            case Processes.ProcessState.Running or Processes.ProcessState.Stopping or Processes.ProcessState.Stopped:
                payload.Append(CultureInfo.InvariantCulture, $" pid:{process.Pid}");
                break;
        }

        return new SupervisorEvent(EventTypes.ForState(process.State), payload.ToString());
    }

    /// <summary>PROCESS_LOG_STDOUT/STDERR: <c>processname:x groupname:g pid:N channel:stdout\n</c> then the data.</summary>
    public static SupervisorEvent ProcessLog(Subprocess process, int pid, string channel, byte[] data) =>
        new("PROCESS_LOG_" + channel.ToUpperInvariant(), string.Create(CultureInfo.InvariantCulture,
            $"processname:{process.Config.Name} groupname:{process.GroupName} pid:{pid} channel:{channel}\n{Encoding.UTF8.GetString(data)}"));

    /// <summary>
    /// PROCESS_COMMUNICATION_STDOUT/STDERR: <c>processname:x groupname:g pid:N\n</c> then the block's text; text that is
    /// not UTF-8 is sent as <c>Undecodable: b'...'</c> (Python's repr of the bytes), as events.py does.
    /// </summary>
    public static SupervisorEvent ProcessCommunication(Subprocess process, int pid, string channel, byte[] data) =>
        new("PROCESS_COMMUNICATION_" + channel.ToUpperInvariant(), string.Create(CultureInfo.InvariantCulture,
            $"processname:{process.Config.Name} groupname:{process.GroupName} pid:{pid}\n{DecodeOrRepr(data)}"));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string DecodeOrRepr(byte[] data)
    {
        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return "Undecodable: " + PythonRepr.Bytes(data);
        }
    }

    public static SupervisorEvent Tick(string name, long when) =>
        new(name, "when:" + when.ToString(CultureInfo.InvariantCulture));

    public static SupervisorEvent GroupChange(string name, string group) => new(name, "groupname:" + group + "\n");

    public static SupervisorEvent SupervisorState(string name) => new(name, "");

    public static SupervisorEvent RemoteCommunication(string type, string data) => new("REMOTE_COMMUNICATION", "type:" + type + "\n" + data);
}
