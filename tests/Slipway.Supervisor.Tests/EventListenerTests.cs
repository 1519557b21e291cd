using System.Text;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Events;
using Slipway.Supervisor.Processes;
using Slipway.Testing;

namespace Slipway.Supervisor.Tests;

/// <summary>The listener protocol and the pool buffer, without processes (the Compat tests run real listeners).</summary>
public sealed class EventListenerTests
{
    private readonly List<string> _log = [];

    private ListenerChannel Channel() => new("rec", (level, message) => _log.Add(level + " " + message));

    private static List<SupervisorEvent> Feed(ListenerChannel c, string text)
    {
        c.Receive(Encoding.UTF8.GetBytes(text));
        return c.Process();
    }

    [Fact]
    public void Ready_busy_result_ok_and_ready_again()
    {
        var c = Channel();
        c.State.ShouldBe(ListenerState.Acknowledged);
        Feed(c, "REA").ShouldBeEmpty();
        c.State.ShouldBe(ListenerState.Acknowledged); // not enough bytes to decide yet
        Feed(c, "DY\n");
        c.State.ShouldBe(ListenerState.Ready);
        var e = new SupervisorEvent("TICK_5", "when:5");
        c.Sent(e);
        c.State.ShouldBe(ListenerState.Busy);
        Feed(c, "RESULT 2\nOKREADY\n").ShouldBeEmpty();
        c.State.ShouldBe(ListenerState.Ready);
        c.Event.ShouldBeNull();
    }

    [Fact]
    public void Fail_rejects_the_event_and_a_result_split_across_reads_is_put_together()
    {
        var c = Channel();
        Feed(c, "READY\n");
        var e = new SupervisorEvent("TICK_5", "when:5");
        c.Sent(e);
        Feed(c, "RESULT ").ShouldBeEmpty();
        Feed(c, "4\nFA").ShouldBeEmpty();
        Feed(c, "IL").ShouldBe([e]);
        c.State.ShouldBe(ListenerState.Acknowledged);
        _log.ShouldContain("warn rec: event was rejected");
    }

    [Fact]
    public void Protocol_violations_make_the_listener_unknown()
    {
        var spurious = Channel();
        Feed(spurious, "READY\nhello\n");
        spurious.State.ShouldBe(ListenerState.Unknown);

        var badStart = Channel();
        Feed(badStart, "hello there\n");
        badStart.State.ShouldBe(ListenerState.Unknown);

        var badResult = Channel();
        Feed(badResult, "READY\n");
        var e = new SupervisorEvent("TICK_5", "when:5");
        badResult.Sent(e);
        Feed(badResult, "RESULT two\nOK").ShouldBe([e]);
        badResult.State.ShouldBe(ListenerState.Unknown);
        _log.ShouldContain("warn rec: bad result line: 'RESULT two'");
    }

    [Fact]
    public void The_envelope_is_supervisords_header_line_then_the_payload()
    {
        var e = new SupervisorEvent("PROCESS_LOG_STDOUT", "processname:a groupname:a pid:7 channel:stdout\nhé\n") { Serial = 12 };
        e.PoolSerials["rec"] = 3;
        Encoding.UTF8.GetString(e.Envelope("supervisor", "rec")).ShouldBe(
            "ver:3.0 server:supervisor serial:12 pool:rec poolserial:3 eventname:PROCESS_LOG_STDOUT len:50\nprocessname:a groupname:a pid:7 channel:stdout\nhé\n");
    }

    [Fact]
    public void Subscriptions_to_a_base_class_cover_its_subclasses()
    {
        var events = new HashSet<string>(["PROCESS_STATE", "TICK_60"]);
        EventTypes.Matches("PROCESS_STATE_RUNNING", events).ShouldBeTrue();
        EventTypes.Matches("TICK_60", events).ShouldBeTrue();
        EventTypes.Matches("TICK_5", events).ShouldBeFalse();
        EventTypes.Matches("PROCESS_LOG_STDOUT", new HashSet<string>(["EVENT"])).ShouldBeTrue();
        EventTypes.ForState(ProcessState.Backoff).ShouldBe("PROCESS_STATE_BACKOFF");
    }

    [Fact]
    public void A_full_buffer_drops_the_oldest_event()
    {
        var pool = new EventListenerPool("rec", 2, new HashSet<string>(["TICK"]), (level, message) => _log.Add(level + " " + message));
        long serial = -1;
        foreach (var when in new[] { 5, 10, 15 })
        {
            pool.Accept(SupervisorEvent.Tick("TICK_5", when), () => ++serial);
        }

        pool.Buffered.ShouldBe(2);
        _log.ShouldContain("error pool rec event buffer overflowed, discarding event 0");
    }

    [Fact]
    public void Eventlistener_sections_are_read_with_supervisords_rules()
    {
        using var dir = new TempDir();
        var path = dir.Write("supervisord.conf", "[supervisord]\n[eventlistener:rec]\ncommand=/bin/cat\nevents=process_state, TICK_5\n");
        var config = new ConfigReader(new Dictionary<string, string>(), dir.Path, "h").Read(path);
        var g = config.Groups.Single();
        g.Priority.ShouldBe(-1);
        g.Listener!.BufferSize.ShouldBe(10);
        g.Listener.Events.Order(StringComparer.Ordinal).ShouldBe(["PROCESS_STATE", "TICK_5"]);

        string Error(string section) => Should.Throw<ConfigException>(() =>
            new ConfigReader(new Dictionary<string, string>(), dir.Path, "h").Read(dir.Write("bad.conf", "[supervisord]\n" + section))).Message;
        Error("[eventlistener:x]\ncommand=/bin/cat\n").ShouldContain("[eventlistener:x] section requires an \"events\" line");
        Error("[eventlistener:x]\ncommand=/bin/cat\nevents=NOPE\n").ShouldEndWith("bad.conf:4: [eventlistener:x] events: Unknown event type NOPE in [eventlistener:x] events");
        Error("[eventlistener:x]\ncommand=/bin/cat\nevents=TICK\nbuffer_size=0\n").ShouldContain("invalid buffer_size (0)");
        Error("[eventlistener:x]\ncommand=/bin/cat\nevents=TICK\nredirect_stderr=true\n").ShouldContain("redirect_stderr=true but this is not allowed");
    }
}
