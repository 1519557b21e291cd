using Slipway.Testing;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>Capture mode: a program hands data to event listeners between XSUPERVISOR BEGIN/END tokens.</summary>
public abstract partial class EventListenerTests
{
    private const string CommPrograms = """
        [eventlistener:rec]
        command=/usr/bin/python3 {dir}/listener.py {dir}/events.jsonl
        events=PROCESS_COMMUNICATION
        startsecs=0
        stopwaitsecs=1

        [program:comm]
        command=/bin/sh {dir}/comm.sh
        startsecs=0
        stdout_logfile={dir}/comm.out
        stderr_logfile={dir}/comm.err
        stdout_capture_maxbytes=1KB
        stderr_capture_maxbytes=1KB

        """;

    // The ordinary lines are longer than a token: supervisord holds a shorter read back until more output comes.
    private const string CommScript = """
        echo 'ordinary line one, before the block'
        printf '<!--XSUPERVISOR:BEGIN-->payload line\nsecond line<!--XSUPERVISOR:END-->\n'
        printf '<!--XSUPERVISOR:BEG'; sleep 0.2; printf 'IN-->split across writes<!--XSUPERVISOR:E'; sleep 0.2; printf 'ND-->\n'
        echo 'ordinary line two, after the block'
        printf 'stderr line, an ordinary one\n<!--XSUPERVISOR:BEGIN-->to stderr<!--XSUPERVISOR:END-->\n' >&2
        exec sleep 1000

        """;

    [Fact]
    public async Task A_capture_block_becomes_a_PROCESS_COMMUNICATION_event_and_stays_out_of_the_log()
    {
        await using var d = await Daemon.StartAsync(Kind, CommPrograms, Ct, prepare: dir =>
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Compat", "listener.py"), dir.File("listener.py"));
            dir.Write("comm.sh", CommScript);
        });
        var file = d.Dir.File("events.jsonl");

        List<Received> events = [];
        var both = await Eventually.ForAsync(async () =>
        {
            events = await ReadAsync(file);
            return events.Count(e => e.Name == "PROCESS_COMMUNICATION_STDOUT") == 2 && events.Any(e => e.Name == "PROCESS_COMMUNICATION_STDERR");
        }, TimeSpan.FromSeconds(30), Ct);
        both.ShouldBeTrue($"{d.Kind}: the listener got:\n{string.Join("\n", events.Select(e => e.Line))}\n{await File.ReadAllTextAsync(d.MainLog, Ct)}");
        var pid = (await d.CtlAsync(Ct, "pid", "comm")).Output.Trim();
        events.Count.ShouldBe(3, string.Join("\n", events.Select(e => e.Line)));

        // Tokens cut across the program's writes (and so, most likely, across reads) are still found.
        events.Where(e => e.Name == "PROCESS_COMMUNICATION_STDOUT").Select(e => e.Payload).ShouldBe([
            $"processname:comm groupname:comm pid:{pid}\npayload line\nsecond line",
            $"processname:comm groupname:comm pid:{pid}\nsplit across writes",
        ]);
        events.Single(e => e.Name == "PROCESS_COMMUNICATION_STDERR").Payload
            .ShouldBe($"processname:comm groupname:comm pid:{pid}\nto stderr");

        // The ordinary output is logged; the blocks and their tokens are not.
        var stdout = d.Dir.File("comm.out");
        (await Eventually.ForAsync(async () => File.Exists(stdout) && (await File.ReadAllTextAsync(stdout, Ct)).Contains("after the block", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue();
        var log = await File.ReadAllTextAsync(stdout, Ct);
        log.ShouldStartWith("ordinary line one, before the block\n");
        log.ShouldContain("ordinary line two, after the block\n");
        log.ShouldNotContain("payload");
        log.ShouldNotContain("second line");
        log.ShouldNotContain("split");
        log.ShouldNotContain("XSUPERVISOR");
        var stderr = await File.ReadAllTextAsync(d.Dir.File("comm.err"), Ct);
        stderr.ShouldStartWith("stderr line, an ordinary one\n");
        stderr.ShouldNotContain("to stderr");
        stderr.ShouldNotContain("XSUPERVISOR");

        var mainLog = await File.ReadAllTextAsync(d.MainLog, Ct);
        mainLog.ShouldContain("'comm' stdout emitted a comm event");
        mainLog.ShouldContain("'comm' stderr emitted a comm event");
    }
}
