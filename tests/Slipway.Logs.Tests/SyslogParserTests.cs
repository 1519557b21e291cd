using Slipway.Logs.Model;
using Slipway.Logs.Parsing;

namespace Slipway.Logs.Tests;

public sealed class SyslogParserTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly SyslogParser _parser = new(TimeZoneInfo.Utc);

    [Fact]
    public void Rfc5424_keeps_every_header_field_and_structured_data()
    {
        var e = _parser.Parse(
            """<165>1 2026-03-10T11:59:58.123456+02:00 web1.example.com myapp 8710 ID47 [exampleSDID@32473 iut="3" eventSource="App\"x\]"][meta a="b"] An application event""",
            Received, "10.0.0.9");

        e.Flags.ShouldBe(EventMarks.None);
        e.Facility.ShouldBe(20); // local4
        e.Severity.ShouldBe(5);
        e.ReportedAt.ShouldBe(new DateTimeOffset(2026, 3, 10, 9, 59, 58, TimeSpan.Zero).AddTicks(1234560));
        e.Host.ShouldBe("web1.example.com");
        e.Program.ShouldBe("myapp");
        e.ProcId.ShouldBe("8710");
        e.MsgId.ShouldBe("ID47");
        e.StructuredData.ShouldBe("""[exampleSDID@32473 iut="3" eventSource="App\"x\]"][meta a="b"]""");
        e.Message.ShouldBe("An application event");
    }

    [Fact]
    public void Repeated_names_are_one_string_and_different_names_stay_apart()
    {
        var a = _parser.Parse("<14>1 2026-03-10T12:00:00Z web1 app 77 ID1 - one", Received);
        var b = _parser.Parse("<14>1 2026-03-10T12:00:01Z web1 app 77 ID1 - two", Received);
        var bsd = _parser.Parse("<14>Mar 10 12:00:02 web1 app[77]: three", Received);

        // Shared, not copied per event (the intake allocates the message, not the names)...
        ReferenceEquals(a.Host, b.Host).ShouldBeTrue();
        ReferenceEquals(a.Program, b.Program).ShouldBeTrue();
        ReferenceEquals(a.ProcId, b.ProcId).ShouldBeTrue();
        ReferenceEquals(a.MsgId, b.MsgId).ShouldBeTrue();
        ReferenceEquals(a.Host, bsd.Host).ShouldBeTrue();
        ReferenceEquals(a.Program, bsd.Program).ShouldBeTrue();
        ReferenceEquals(a.ProcId, bsd.ProcId).ShouldBeTrue();

        // ...and thousands of names (more than the cache's slots, so they collide) each come back as themselves.
        for (var i = 0; i < 10_000; i++)
        {
            var e = _parser.Parse($"<14>1 2026-03-10T12:00:00Z host{i} app{i % 97} {i} - - m{i}", Received);
            e.Host.ShouldBe($"host{i}");
            e.Program.ShouldBe($"app{i % 97}");
            e.ProcId.ShouldBe($"{i}");
            e.Message.ShouldBe($"m{i}");
        }

        var longName = new string('h', 200);
        _parser.Parse($"<14>1 - {longName} a - - - x", Received).Host.ShouldBe(longName);
    }

    [Fact]
    public void Rfc5424_nil_values_and_bom()
    {
        var e = _parser.Parse("<14>1 - - - - - - \uFEFFhello", Received, "10.0.0.9");

        e.Flags.ShouldBe(EventMarks.None);
        e.ReportedAt.ShouldBeNull();
        e.Host.ShouldBe("10.0.0.9");
        e.Program.ShouldBe("");
        e.StructuredData.ShouldBe("");
        e.Message.ShouldBe("hello");
    }

    [Fact]
    public void Rfc5424_timestamp_without_zone_is_read_as_utc()
    {
        var e = _parser.Parse("<14>1 2026-03-10T08:00:00 h app - - - m", Received);
        e.ReportedAt.ShouldBe(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Rfc3164_with_pid_and_space_padded_day()
    {
        var e = _parser.Parse("<34>Mar  1 22:14:15 mymachine su[123]: 'su root' failed for lonvick on /dev/pts/8", Received);

        e.Flags.ShouldBe(EventMarks.None);
        e.Facility.ShouldBe(4);
        e.Severity.ShouldBe(2);
        e.ReportedAt.ShouldBe(new DateTimeOffset(2026, 3, 1, 22, 14, 15, TimeSpan.Zero));
        e.Host.ShouldBe("mymachine");
        e.Program.ShouldBe("su");
        e.ProcId.ShouldBe("123");
        e.Message.ShouldBe("'su root' failed for lonvick on /dev/pts/8");
    }

    [Fact]
    public void Rfc3164_missing_year_from_december_received_in_january_is_last_year()
    {
        var e = _parser.Parse("<13>Dec 31 23:59:59 h cron: tick", new DateTimeOffset(2027, 1, 1, 0, 0, 5, TimeSpan.Zero));
        e.ReportedAt!.Value.Year.ShouldBe(2026);
    }

    [Fact]
    public void Rfc3164_missing_year_with_a_sender_clock_slightly_ahead_is_next_year()
    {
        var e = _parser.Parse("<13>Jan  1 00:00:02 h cron: tick", new DateTimeOffset(2026, 12, 31, 23, 59, 58, TimeSpan.Zero));
        e.ReportedAt!.Value.Year.ShouldBe(2027);
    }

    [Fact]
    public void Rfc3164_local_time_is_converted_with_the_configured_zone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");
        var e = new SyslogParser(zone).Parse("<13>Mar 10 13:00:00 h app: x", Received);
        e.ReportedAt.ShouldBe(new DateTimeOffset(2026, 3, 10, 11, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Rfc3164_high_precision_timestamp_from_rsyslog()
    {
        var e = _parser.Parse("<30>2026-03-10T11:00:00.5+01:00 db1 postgres[77]: checkpoint", Received);
        e.ReportedAt.ShouldBe(new DateTimeOffset(2026, 3, 10, 10, 0, 0, 500, TimeSpan.Zero));
        e.Host.ShouldBe("db1");
        e.Program.ShouldBe("postgres");
        e.ProcId.ShouldBe("77");
        e.Message.ShouldBe("checkpoint");
    }

    [Fact]
    public void Bare_pri_with_nul_from_python_sysloghandler()
    {
        var e = _parser.Parse("<11>myapp: something broke\0", Received, "10.1.1.1");
        e.Flags.ShouldBe(EventMarks.None);
        e.Severity.ShouldBe(3);
        e.Host.ShouldBe("10.1.1.1");
        e.Program.ShouldBe("myapp");
        e.Message.ShouldBe("something broke");
    }

    [Fact]
    public void Continuation_lines_keep_their_indentation()
    {
        var e = _parser.Parse("<11>Mar 10 11:00:00 web1 app[5]:   File \"x.py\", line 3, in f", Received);
        e.Message.ShouldBe("  File \"x.py\", line 3, in f");
    }

    [Theory]
    [InlineData("no pri at all")]
    [InlineData("<>x")]
    [InlineData("<999>Mar 10 11:00:00 h a: x")]
    [InlineData("<14>1 not-a-time h a - - - m")]
    [InlineData("<14>1 - h a - - [unterminated sd")]
    [InlineData("")]
    public void Malformed_input_is_kept_raw_with_the_parse_error_flag(string text)
    {
        var e = _parser.Parse(text, Received, "10.0.0.1");
        e.Flags.ShouldBe(EventMarks.ParseError);
        e.Message.ShouldBe(text);
        e.Host.ShouldBe("10.0.0.1");
    }

    [Fact]
    public void Truncated_frames_carry_the_marker()
    {
        var e = _parser.Parse("<14>1 - h a - - - abc"u8, Received, truncated: true);
        e.Flags.ShouldBe(EventMarks.Truncated);
        e.Message.ShouldBe("abc" + SyslogParser.TruncationMarker);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(42);
        var buffer = new byte[300];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            var length = random.Next(buffer.Length);
            if (i % 3 == 0)
            {
                "<13>1 "u8.CopyTo(buffer);
            }
            else if (i % 3 == 1)
            {
                "<13>Mar 10 "u8.CopyTo(buffer);
            }

            var e = _parser.Parse(buffer.AsSpan(0, length), Received);
            e.Message.ShouldNotBeNull();
        }
    }
}
