using Microsoft.Extensions.Time.Testing;
using Slipway.Logs.Model;
using Slipway.Logs.Tracebacks;

namespace Slipway.Logs.Tests;

public sealed class TracebackTests
{
    private const string Traceback1 = """
        Traceback (most recent call last):
          File "/srv/app/releases/20260101/shop/views.py", line 42, in checkout
            total = compute(order)
          File "/srv/app/releases/20260101/shop/pricing.py", line 10, in compute
            return order.amount / order.count
        ZeroDivisionError: division by zero
        """;

    // The same bug after a deploy: other release path, other line numbers, another message text.
    private const string Traceback2 = """
        Traceback (most recent call last):
          File "/srv/app/releases/20260202/shop/views.py", line 57, in checkout
            total = compute(order)
          File "/srv/app/releases/20260202/shop/pricing.py", line 12, in compute
            return order.amount / order.count
        ZeroDivisionError: integer division or modulo by zero (order 1234)
        """;

    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fingerprint_ignores_paths_line_numbers_and_message_values()
    {
        var a = TracebackFingerprint.Compute(Traceback1)!;
        var b = TracebackFingerprint.Compute(Traceback2)!;

        a.Fingerprint.ShouldBe(b.Fingerprint);
        a.ExceptionType.ShouldBe("ZeroDivisionError");
        a.Title.ShouldBe("ZeroDivisionError: division by zero");
        a.FrameCount.ShouldBe(2);
    }

    [Fact]
    public void Fingerprint_differs_by_function_and_by_exception_type()
    {
        var a = TracebackFingerprint.Compute(Traceback1)!.Fingerprint;
        TracebackFingerprint.Compute(Traceback1.Replace("in compute", "in compute_total", StringComparison.Ordinal))!.Fingerprint.ShouldNotBe(a);
        TracebackFingerprint.Compute(Traceback1.Replace("ZeroDivisionError", "ValueError", StringComparison.Ordinal))!.Fingerprint.ShouldNotBe(a);
    }

    [Fact]
    public void Chained_tracebacks_count_every_part()
    {
        var chained = Traceback1 + "\nDuring handling of the above exception, another exception occurred:\n\n" + """
            Traceback (most recent call last):
              File "/srv/app/shop/views.py", line 50, in checkout
                raise CheckoutFailed()
            shop.errors.CheckoutFailed
            """;
        var info = TracebackFingerprint.Compute(chained)!;
        info.ExceptionType.ShouldBe("shop.errors.CheckoutFailed");
        info.FrameCount.ShouldBe(3);
        info.Fingerprint.ShouldNotBe(TracebackFingerprint.Compute(Traceback1)!.Fingerprint);
    }

    [Fact]
    public void No_traceback_no_fingerprint()
    {
        TracebackFingerprint.Compute("ERROR something failed").ShouldBeNull();
        TracebackFingerprint.Compute("Traceback (most recent call last):\n  File \"x.py\", line 1, in f").ShouldBeNull();
    }

    private static LogEvent Line(string message, string host = "web1", string pid = "42") =>
        new() { ReceivedAt = T0, Host = host, Program = "gunicorn", ProcId = pid, Message = message, Severity = 3 };

    [Fact]
    public void Lines_of_one_source_are_reassembled_while_other_sources_pass_through()
    {
        var clock = new FakeTimeProvider(T0);
        var assembler = new TracebackAssembler(clock);
        var output = new List<LogEvent>();
        var lines = Traceback1.Split('\n');

        assembler.Add(Line(lines[0]), output);
        assembler.Add(Line("GET /health 200", host: "web2"), output);
        assembler.Add(Line("unrelated from another worker", pid: "43"), output);
        foreach (var line in lines[1..])
        {
            assembler.Add(Line(line), output);
        }

        output.Select(e => e.Message).ShouldBe(["GET /health 200", "unrelated from another worker"]);
        assembler.Add(Line("next request ok"), output);

        output.Count.ShouldBe(4);
        var tb = output[2];
        tb.Message.ShouldBe(Traceback1.TrimEnd('\n'));
        tb.Flags.ShouldBe(EventMarks.Reassembled);
        tb.Fingerprint.ShouldBe(TracebackFingerprint.Compute(Traceback1)!.Fingerprint);
        tb.Title.ShouldBe("ZeroDivisionError: division by zero");
        output[3].Message.ShouldBe("next request ok");
    }

    [Fact]
    public void A_traceback_whose_source_falls_silent_is_flushed_after_the_timeout()
    {
        var clock = new FakeTimeProvider(T0);
        var assembler = new TracebackAssembler(clock, TimeSpan.FromSeconds(2));
        var output = new List<LogEvent>();
        foreach (var line in Traceback1.Split('\n'))
        {
            assembler.Add(Line(line), output);
        }

        clock.Advance(TimeSpan.FromSeconds(1.9));
        assembler.FlushExpired(output);
        output.ShouldBeEmpty();

        clock.Advance(TimeSpan.FromSeconds(0.2));
        assembler.FlushExpired(output);
        output.Single().Fingerprint.ShouldNotBeNull();
        assembler.PendingCount.ShouldBe(0);
    }

    [Fact]
    public void Rsyslog_escaped_tracebacks_are_unescaped_and_fingerprinted()
    {
        var escaped = "Internal Server Error: /cart#012" + Traceback1.TrimEnd('\n').Replace("\n", "#012", StringComparison.Ordinal);
        var output = new List<LogEvent>();
        new TracebackAssembler(new FakeTimeProvider(T0)).Add(Line(escaped), output);

        output.Single().Message.ShouldBe("Internal Server Error: /cart\n" + Traceback1.TrimEnd('\n'));
        output.Single().Fingerprint.ShouldBe(TracebackFingerprint.Compute(Traceback1)!.Fingerprint);
    }

    private static List<LogEvent> Assemble(IEnumerable<LogEvent> events)
    {
        var assembler = new TracebackAssembler(new FakeTimeProvider(T0));
        var output = new List<LogEvent>();
        foreach (var e in events)
        {
            assembler.Add(e, output);
        }

        assembler.FlushAll(output);
        return output;
    }

    private static IEnumerable<LogEvent> LinesOf(string text, string pid = "42") =>
        text.TrimEnd('\n').Split('\n').Select(line => Line(line, pid: pid));

    [Fact]
    public void Two_tracebacks_written_back_to_back_are_two_events()
    {
        var output = Assemble(LinesOf(Traceback1).Concat(LinesOf(Traceback2)));

        output.Count.ShouldBe(2);
        output[0].Message.ShouldBe(Traceback1.TrimEnd('\n'));
        output[1].Message.ShouldBe(Traceback2.TrimEnd('\n'));
        output.ShouldAllBe(e => e.Fingerprint == TracebackFingerprint.Compute(Traceback1)!.Fingerprint);
    }

    [Fact]
    public void Back_to_back_tracebacks_separated_by_a_blank_line_are_two_events()
    {
        var output = Assemble(LinesOf(Traceback1).Append(Line("")).Concat(LinesOf(Traceback2)));

        output.Select(e => e.Message).ShouldBe([Traceback1.TrimEnd('\n'), Traceback2.TrimEnd('\n')]);
    }

    [Fact]
    public void Interleaved_tracebacks_of_two_pids_of_one_program_stay_apart()
    {
        var a = LinesOf(Traceback1, pid: "101").ToList();
        var b = LinesOf(Traceback2, pid: "102").ToList();
        var interleaved = a.Zip(b, (x, y) => new[] { x, y }).SelectMany(pair => pair);

        var output = Assemble(interleaved);

        output.Count.ShouldBe(2);
        output.Single(e => e.ProcId == "101").Message.ShouldBe(Traceback1.TrimEnd('\n'));
        output.Single(e => e.ProcId == "102").Message.ShouldBe(Traceback2.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("During handling of the above exception, another exception occurred:")]
    [InlineData("The above exception was the direct cause of the following exception:")]
    public void A_chained_exception_written_line_by_line_is_one_event(string sentence)
    {
        var chained = Traceback1 + "\n" + sentence + "\n\n" + """
            Traceback (most recent call last):
              File "/srv/app/shop/views.py", line 50, in checkout
                raise CheckoutFailed()
            shop.errors.CheckoutFailed
            """;

        var output = Assemble(LinesOf(chained).Append(Line("GET /next 200")));

        output.Count.ShouldBe(2);
        output[0].Message.ShouldBe(chained.TrimEnd('\n'));
        output[0].Title.ShouldBe("shop.errors.CheckoutFailed");
        output[1].Message.ShouldBe("GET /next 200");
    }

    [Fact]
    public void A_chaining_sentence_outside_a_traceback_is_an_ordinary_line()
    {
        var lines = Traceback1.TrimEnd('\n').Split('\n');
        var events = lines[..3].Select(l => Line(l)).Append(Line("The above exception was the direct cause of nothing"));

        var output = Assemble(events);

        output.Count.ShouldBe(2);
        output[1].Message.ShouldBe("The above exception was the direct cause of nothing");
    }

    /// <summary>The lines of <paramref name="text"/> with precise sender times 1 ms apart, sent in <paramref name="order"/>.</summary>
    private static List<LogEvent> PreciselyTimed(string text, int[] order, string pid = "42")
    {
        var lines = text.TrimEnd('\n').Split('\n');
        return [.. order.Select(i => Line(lines[i], pid: pid) with { ReportedAt = T0.AddMilliseconds(1.5 + i) })];
    }

    [Fact]
    public void A_traceback_whose_lines_arrive_out_of_order_with_precise_times_is_one_event_in_reported_order()
    {
        // Frames and the exception line overtake the first line (UDP), and a frame comes after the exception line.
        var shuffled = PreciselyTimed(Traceback1, [2, 5, 0, 1, 4, 3]);
        var next = Line("GET /next 200") with { ReportedAt = T0.AddMilliseconds(50.5) };

        var output = Assemble(shuffled.Append(next));

        output.Select(e => e.Message).ShouldBe([Traceback1.TrimEnd('\n'), "GET /next 200"]);
        output[0].Fingerprint.ShouldBe(TracebackFingerprint.Compute(Traceback1)!.Fingerprint);
        output[0].Title.ShouldBe("ZeroDivisionError: division by zero");
    }

    [Fact]
    public void Two_shuffled_tracebacks_of_one_source_still_count_twice()
    {
        var first = PreciselyTimed(Traceback1, [0, 2, 1, 3, 5, 4]);
        var second = PreciselyTimed(Traceback2, [1, 0, 2, 3, 4, 5]).Select(e => e with { ReportedAt = e.ReportedAt!.Value.AddMilliseconds(20) });

        var output = Assemble(first.Concat(second));

        output.Select(e => e.Message).ShouldBe([Traceback1.TrimEnd('\n'), Traceback2.TrimEnd('\n')]);
    }

    [Fact]
    public void A_held_line_whose_traceback_never_comes_is_kept_and_flushed_after_the_timeout()
    {
        var clock = new FakeTimeProvider(T0);
        var assembler = new TracebackAssembler(clock);
        var output = new List<LogEvent>();
        var indented = Line("    continuation of a multi-line report") with { ReportedAt = T0.AddMilliseconds(3.25) };
        var coarse = Line("    same, with a whole-second time") with { ReportedAt = T0 };

        assembler.Add(indented, output);
        assembler.Add(coarse, output);
        output.Select(e => e.Message).ShouldBe(["    same, with a whole-second time"]); // order cannot be repaired: passes at once

        clock.Advance(assembler.FlushAfter);
        assembler.FlushExpired(output);
        output.Select(e => e.Message).ShouldBe(["    same, with a whole-second time", "    continuation of a multi-line report"]);
        assembler.PendingCount.ShouldBe(0);
    }
}
