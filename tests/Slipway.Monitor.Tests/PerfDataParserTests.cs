using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Tests;

public sealed class PerfDataParserTests
{
    [Fact]
    public void A_full_datum_has_every_field()
    {
        var parsed = PerfDataParser.Parse("time=0.002s;1;5;0;10");

        parsed.Unparsed.ShouldBeEmpty();
        parsed.Data.ShouldBe([new PerfDatum("time", 0.002, "s", "1", "5", 0, 10)]);
    }

    [Fact]
    public void Quoted_labels_keep_spaces_and_a_doubled_quote_is_one_quote()
    {
        var parsed = PerfDataParser.Parse("'disk /var/log'=818MB;970;975;0;980 'it''s'=1 'a=b'=2c");

        parsed.Unparsed.ShouldBeEmpty();
        parsed.Data.Select(d => d.Label).ShouldBe(["disk /var/log", "it's", "a=b"]);
        parsed.Data[0].Unit.ShouldBe("MB");
        parsed.Data[2].Unit.ShouldBe("c");
    }

    [Theory]
    [InlineData("x=1", "")]
    [InlineData("x=1s", "s")]
    [InlineData("x=1ms", "ms")]
    [InlineData("x=1us", "us")]
    [InlineData("x=1%", "%")]
    [InlineData("x=1B", "B")]
    [InlineData("x=1KB", "KB")]
    [InlineData("x=1MB", "MB")]
    [InlineData("x=1TB", "TB")]
    [InlineData("x=1c", "c")]
    public void Every_documented_unit_is_read(string text, string unit)
    {
        PerfDataParser.Parse(text).Data.Single().Unit.ShouldBe(unit);
    }

    [Fact]
    public void U_is_a_value_that_could_not_be_measured()
    {
        var datum = PerfDataParser.Parse("rta=U;;;0").Data.Single();

        datum.Value.ShouldBeNull();
        datum.Min.ShouldBe(0);
    }

    [Fact]
    public void Trailing_semicolons_and_empty_fields_are_allowed()
    {
        var parsed = PerfDataParser.Parse("load1=12.640;5.000;10.000;0; procs=97;500;;0; a=1;;; ");

        parsed.Unparsed.ShouldBeEmpty();
        parsed.Data[0].ShouldBe(new PerfDatum("load1", 12.64, "", "5.000", "10.000", 0, null));
        parsed.Data[1].ShouldBe(new PerfDatum("procs", 97, "", "500", null, 0, null));
        parsed.Data[2].ShouldBe(new PerfDatum("a", 1));
    }

    [Fact]
    public void Warn_and_crit_may_be_ranges()
    {
        var datum = PerfDataParser.Parse("temp=21;@10:20;~:30").Data.Single();

        datum.Warn.ShouldBe("@10:20");
        datum.Crit.ShouldBe("~:30");
    }

    [Fact]
    public void Negative_and_exponent_values_are_numbers()
    {
        PerfDataParser.Parse("offset=-0.5s drift=1.5e-3").Data.Select(d => d.Value).ShouldBe([-0.5, 0.0015]);
    }

    [Theory]
    [InlineData("x=abc")]
    [InlineData("x=1parsecs")]
    [InlineData("=1")]
    [InlineData("x=1;2;3;4;5;6")]
    [InlineData("x=1;;;zero")]
    [InlineData("x")]
    public void A_bad_pair_is_kept_verbatim_and_the_good_ones_still_parse(string bad)
    {
        var parsed = PerfDataParser.Parse($"good=1 {bad} other=2");

        parsed.Unparsed.ShouldBe([bad]);
        parsed.Data.Select(d => d.Label).ShouldBe(["good", "other"]);
    }

    [Fact]
    public void An_unclosed_quote_keeps_the_rest_of_the_text_unparsed()
    {
        var parsed = PerfDataParser.Parse("good=1 'unclosed=1 other=2");

        parsed.Data.Select(d => d.Label).ShouldBe(["good"]);
        parsed.Unparsed.ShouldBe(["'unclosed=1 other=2"]);
    }

    [Theory]
    [InlineData("time=0.002s;1;5;0;10")]
    [InlineData("'disk /var'=818MB;970;975;0;980")]
    [InlineData("'it''s'=1")]
    [InlineData("rta=U")]
    [InlineData("procs=97;500;;0")]
    public void Formatting_writes_what_parsing_reads(string text)
    {
        PerfDataFormatter.Format(PerfDataParser.Parse(text).Data).ShouldBe(text);
    }
}
