using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

public sealed class SlipwayEventListenerTests : EventListenerTests
{
    protected override string Kind => Daemon.Slipway;
}

public sealed class SupervisordEventListenerTests : EventListenerTests
{
    protected override string Kind => Daemon.Supervisord;
}

/// <summary>
/// A real event listener (Compat/listener.py, written with supervisor.childutils) records what it is sent while
/// supervisorctl starts, stops and crashes programs. The same expected events, in the same order, with the same
/// headers and payload fields, must come from Debian's supervisord and from slipway supervise.
/// </summary>
public abstract partial class EventListenerTests
{
    protected abstract string Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Programs = """
        [eventlistener:rec]
        command=/usr/bin/python3 {dir}/listener.py {dir}/events.jsonl
        events=PROCESS_STATE,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP,TICK_5,PROCESS_LOG_STDOUT
        startsecs=0
        stopwaitsecs=1

        [program:flaky]
        command=/bin/false
        autostart=false
        startretries=1
        ; Long enough that a loaded machine cannot make supervisord see /bin/false "up" for startsecs (it went RUNNING once).
        startsecs=5

        [program:talker]
        command=/bin/sh -c 'echo hello; exec sleep 1000'
        autostart=false
        stdout_events_enabled=true

        [program:worker]
        command=sleep 1000
        startsecs=0

        """;

    private sealed record Received(Dictionary<string, string> Headers, string Payload)
    {
        public string Name => Headers["eventname"];

        /// <summary>"EVENTNAME payload" with pids replaced, as the expectations are written.</summary>
        public string Line => Name + " " + PidPattern().Replace(Payload, "pid:N");
    }

    [Fact]
    public async Task A_childutils_listener_receives_the_same_events_in_the_same_order()
    {
        using var dir = new TempDir("slipway-evl-");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Compat", "listener.py"), dir.File("listener.py"));
        var file = dir.File("events.jsonl");
        await using var d = await Daemon.StartAsync(Kind, Programs.Replace("{dir}", dir.Path, StringComparison.Ordinal), Ct);

        // Start-up: the events before the listener is RUNNING and READY wait in the pool's buffer.
        var startup = await WaitForEventsAsync(d, file, e => e.Line == "PROCESS_STATE_RUNNING processname:worker groupname:worker from_state:STARTING pid:N");
        string.Join("\n", startup.Where(e => e.Name != "TICK_5").Select(e => e.Line)).ShouldBe("""
            PROCESS_GROUP_ADDED groupname:rec

            PROCESS_GROUP_ADDED groupname:flaky

            PROCESS_GROUP_ADDED groupname:talker

            PROCESS_GROUP_ADDED groupname:worker

            SUPERVISOR_STATE_CHANGE_RUNNING 
            PROCESS_STATE_STARTING processname:rec groupname:rec from_state:STOPPED tries:0
            PROCESS_STATE_STARTING processname:worker groupname:worker from_state:STOPPED tries:0
            PROCESS_STATE_RUNNING processname:rec groupname:rec from_state:STARTING pid:N
            PROCESS_STATE_RUNNING processname:worker groupname:worker from_state:STARTING pid:N
            """.Replace("\r", "", StringComparison.Ordinal));
        var skip = startup.Count;

        // stop (the listener rejects the first STOPPING: it is sent again), start, a crash, a program that goes FATAL,
        // and PROCESS_LOG_STDOUT from a program with stdout_events_enabled.
        (await d.CtlAsync(Ct, "stop", "worker")).Output.ShouldBe("worker: stopped\n");
        (await d.CtlAsync(Ct, "start", "worker")).Output.ShouldBe("worker: started\n");
        var workerPid = (await d.CtlAsync(Ct, "pid", "worker")).Output.Trim();
        await ProcessTools.RunAsync("kill", ["-KILL", workerPid], Ct);
        await WaitForEventsAsync(d, file, e => e.Line == "PROCESS_STATE_RUNNING processname:worker groupname:worker from_state:STARTING pid:N", skip: skip + 6);
        (await d.CtlAsync(Ct, "start", "flaky")).Output.ShouldBe("flaky: ERROR (spawn error)\n"); // answered at the first BACKOFF
        await d.WaitForAsync("flaky", "FATAL", Ct);
        (await d.CtlAsync(Ct, "start", "talker")).Output.ShouldBe("talker: started\n");
        await WaitForEventsAsync(d, file, e => e.Name == "PROCESS_STATE_RUNNING" && e.Payload.Contains("processname:talker ", StringComparison.Ordinal));

        var events = (await ReadAsync(file)).Skip(skip).Where(e => e.Name != "TICK_5").ToList();
        string.Join("\n", events.Select(e => e.Line)).ShouldBe("""
            PROCESS_STATE_STOPPING processname:worker groupname:worker from_state:RUNNING pid:N
            PROCESS_STATE_STOPPING processname:worker groupname:worker from_state:RUNNING pid:N
            PROCESS_STATE_STOPPED processname:worker groupname:worker from_state:STOPPING pid:N
            PROCESS_STATE_STARTING processname:worker groupname:worker from_state:STOPPED tries:0
            PROCESS_STATE_RUNNING processname:worker groupname:worker from_state:STARTING pid:N
            PROCESS_STATE_EXITED processname:worker groupname:worker from_state:RUNNING expected:0 pid:N
            PROCESS_STATE_STARTING processname:worker groupname:worker from_state:EXITED tries:0
            PROCESS_STATE_RUNNING processname:worker groupname:worker from_state:STARTING pid:N
            PROCESS_STATE_STARTING processname:flaky groupname:flaky from_state:STOPPED tries:0
            PROCESS_STATE_BACKOFF processname:flaky groupname:flaky from_state:STARTING tries:1
            PROCESS_STATE_STARTING processname:flaky groupname:flaky from_state:BACKOFF tries:1
            PROCESS_STATE_BACKOFF processname:flaky groupname:flaky from_state:STARTING tries:2
            PROCESS_STATE_FATAL processname:flaky groupname:flaky from_state:BACKOFF
            PROCESS_STATE_STARTING processname:talker groupname:talker from_state:STOPPED tries:0
            PROCESS_LOG_STDOUT processname:talker groupname:talker pid:N channel:stdout
            hello

            PROCESS_STATE_RUNNING processname:talker groupname:talker from_state:STARTING pid:N
            """.Replace("\r", "", StringComparison.Ordinal));

        // The rejected STOPPING came back with the same serial; otherwise one serial per event, and with one
        // pool the pool serial is the same number. len is the payload's length. The EXITED pid is the one killed.
        events[0].Headers["serial"].ShouldBe(events[1].Headers["serial"]);
        events[5].Payload.ShouldEndWith("pid:" + workerPid);
        var all = await ReadAsync(file);
        foreach (var e in all)
        {
            e.Headers["ver"].ShouldBe("3.0");
            e.Headers["server"].ShouldBe("supervisor");
            e.Headers["pool"].ShouldBe("rec");
            e.Headers["poolserial"].ShouldBe(e.Headers["serial"]);
            int.Parse(e.Headers["len"], CultureInfo.InvariantCulture).ShouldBe(e.Payload.Length);
        }

        all.Select(e => long.Parse(e.Headers["serial"], CultureInfo.InvariantCulture)).Distinct().ShouldBeInOrder(SortDirection.Ascending);

        // TICK_5 carries the start of its 5-second slice.
        var ticks = (await WaitForEventsAsync(d, file, e => e.Name == "TICK_5", timeout: 12)).Where(e => e.Name == "TICK_5").ToList();
        (long.Parse(ticks[^1].Payload["when:".Length..], CultureInfo.InvariantCulture) % 5).ShouldBe(0);

        // Shutdown: the listener (priority -1) stops last and hears SUPERVISOR_STATE_CHANGE_STOPPING first.
        var before = (await ReadAsync(file)).Count;
        await d.CtlAsync(Ct, "shutdown");
        (await d.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        (await ReadAsync(file)).Skip(before).First(e => e.Name != "TICK_5").Name.ShouldBe("SUPERVISOR_STATE_CHANGE_STOPPING");
    }

    private static async Task<List<Received>> WaitForEventsAsync(Daemon d, string file, Func<Received, bool> until, int skip = 0, int timeout = 30)
    {
        List<Received> events = [];
        var ok = await Eventually.ForAsync(async () => (events = await ReadAsync(file)).Skip(skip).Any(until), TimeSpan.FromSeconds(timeout), Ct);
        ok.ShouldBeTrue($"{d.Kind}: the listener never got the expected event; it got:\n{string.Join("\n", events.Select(e => e.Line))}\n" +
            await File.ReadAllTextAsync(d.MainLog, Ct));
        return events;
    }

    private static async Task<List<Received>> ReadAsync(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        var lines = await File.ReadAllLinesAsync(file, Ct);
        return lines.Where(l => l.EndsWith('}')).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var headers = doc.RootElement.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            return new Received(headers, doc.RootElement.GetProperty("payload").GetString()!);
        }).ToList();
    }

    [GeneratedRegex(@"pid:\d+")]
    private static partial Regex PidPattern();
}
