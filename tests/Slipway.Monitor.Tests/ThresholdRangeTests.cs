namespace Slipway.Monitor.Tests;

public sealed class ThresholdRangeTests
{
    // The table of the plugin developer guidelines, plus the endpoints (inclusive) on each side.
    [Theory]
    [InlineData("10", -0.1, true)]
    [InlineData("10", 0, false)]
    [InlineData("10", 10, false)]
    [InlineData("10", 10.01, true)]
    [InlineData("10:", 9.99, true)]
    [InlineData("10:", 10, false)]
    [InlineData("10:", 1e12, false)]
    [InlineData("~:10", -1e12, false)]
    [InlineData("~:10", 10, false)]
    [InlineData("~:10", 10.5, true)]
    [InlineData("10:20", 9, true)]
    [InlineData("10:20", 10, false)]
    [InlineData("10:20", 20, false)]
    [InlineData("10:20", 21, true)]
    [InlineData("@10:20", 9, false)]
    [InlineData("@10:20", 10, true)]
    [InlineData("@10:20", 15, true)]
    [InlineData("@10:20", 20, true)]
    [InlineData("@10:20", 20.5, false)]
    [InlineData(":5", -1, true)]
    [InlineData("-5:-1", -3, false)]
    [InlineData("-5:-1", 0, true)]
    [InlineData("@~:0", -7, true)]
    [InlineData("1e3", 999, false)]
    public void Alerts_follows_the_plugin_guidelines(string range, double value, bool alerts)
    {
        ThresholdRange.Parse(range).Alerts(value).ShouldBe(alerts);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("@", "is empty")]
    [InlineData("abc", "end 'abc' is not a number")]
    [InlineData("x:10", "start 'x' is not a number or ~")]
    [InlineData("20:10", "start 20 is greater than end 10")]
    [InlineData("10:~", "end '~' is not a number")]
    [InlineData("1,5", "not a number")]
    public void Bad_ranges_say_what_is_wrong(string range, string message)
    {
        Should.Throw<FormatException>(() => ThresholdRange.Parse(range)).Message.ShouldContain(message);
    }

    [Theory]
    [InlineData(5, ServiceState.Ok)]
    [InlineData(80.5, ServiceState.Warning)]
    [InlineData(95, ServiceState.Critical)]
    public void Thresholds_check_critical_before_warning(double value, ServiceState expected)
    {
        Thresholds.Parse("80", "90").Evaluate(value).ShouldBe(expected);
    }

    [Fact]
    public void No_thresholds_is_always_ok()
    {
        Thresholds.Parse(null, " ").Evaluate(1e9).ShouldBe(ServiceState.Ok);
    }
}
