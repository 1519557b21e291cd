using Slipway.Supervisor.Config;

namespace Slipway.Supervisor.Tests;

public sealed class ExpanderTests
{
    private static readonly Dictionary<string, string> Names = new()
    {
        ["program_name"] = "web", ["process_num"] = "3", ["ENV_HOME"] = "/root", ["here"] = "/etc/sv",
    };

    [Theory]
    [InlineData("%(program_name)s_%(process_num)02d", "web_03")]
    [InlineData("%(process_num)d", "3")]
    [InlineData("%(process_num)3d|", "  3|")]
    [InlineData("%(ENV_HOME)s/x", "/root/x")]
    [InlineData("100%% sure %(here)s", "100% sure /etc/sv")]
    [InlineData("plain", "plain")]
    public void Expands_like_python_percent_formatting(string input, string expected) =>
        Expander.Expand(input, Names, m => new FormatException(m)).ShouldBe(expected);

    [Fact]
    public void Unknown_names_are_an_error_listing_the_available_ones()
    {
        var e = Should.Throw<FormatException>(() => Expander.Expand("%(nope)s", Names, m => new FormatException(m)));
        e.Message.ShouldContain("'nope'");
        e.Message.ShouldContain("Available names: ENV_HOME, here, process_num, program_name");
    }
}
