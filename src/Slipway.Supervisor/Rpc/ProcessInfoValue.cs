using Slipway.Supervisor.Processes;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>
/// getProcessInfo's struct, members in supervisord's order, written straight into the reply: getAllProcessInfo at
/// 500 processes would otherwise build 500 dictionaries of boxed values only to serialise them at once.
/// </summary>
public sealed class ProcessInfoValue(string name, string group, long start, long stop, long now, ProcessState state, string spawnError,
    int exitStatus, string stdoutLogFile, string stderrLogFile, int pid, string description) : IXmlRpcValue
{
    public string Name => name;

    public string Group => group;

    public ProcessState State => state;

    public string Description => description;

    public void WriteTo(Utf8Builder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("<struct>"u8);
        Member(builder, "name"u8, name);
        Member(builder, "group"u8, group);
        Member(builder, "start"u8, start);
        Member(builder, "stop"u8, stop);
        Member(builder, "now"u8, now);
        Member(builder, "state"u8, (int)state);
        Member(builder, "statename"u8, ProcessStates.Name(state));
        Member(builder, "spawnerr"u8, spawnError);
        Member(builder, "exitstatus"u8, exitStatus);
        Member(builder, "logfile"u8, stdoutLogFile);
        Member(builder, "stdout_logfile"u8, stdoutLogFile);
        Member(builder, "stderr_logfile"u8, stderrLogFile);
        Member(builder, "pid"u8, pid);
        Member(builder, "description"u8, description);
        builder.Append("</struct>"u8);
    }

    private static void Member(Utf8Builder b, ReadOnlySpan<byte> key, string value) =>
        b.Append("<member><name>"u8).Append(key).Append("</name><value>"u8).AppendEscaped(value).Append("</value></member>"u8);

    private static void Member(Utf8Builder b, ReadOnlySpan<byte> key, long value) =>
        b.Append("<member><name>"u8).Append(key).Append("</name><value><int>"u8)
            .Append(Math.Clamp(value, int.MinValue, int.MaxValue)).Append("</int></value></member>"u8);
}
