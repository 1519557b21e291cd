using System.Text;
using Slipway.Supervisor.Logging;

namespace Slipway.Supervisor.Tests;

/// <summary>The expectations are what Debian's supervisord 4.2.5 stripEscapes returns for the same bytes.</summary>
public sealed class AnsiStripperTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m plain\n", "red plain\n")]
    [InlineData("a\u001b[1;32mb", "ab")]
    [InlineData("x\u001b[", "x")]
    [InlineData("no escapes", "no escapes")]
    [InlineData("\u001b[2J\u001b[Hhome", "home")]
    [InlineData("\u001b]0;title\u0007after\n", "\u001b]0;title\u0007after\n")]
    [InlineData("tail\u001b[12", "tail")]
    public void Strips_as_supervisord_does(string input, string expected)
    {
        var data = Encoding.UTF8.GetBytes(input);
        var output = new byte[data.Length];
        Encoding.UTF8.GetString(output, 0, AnsiStripper.Strip(data, output)).ShouldBe(expected);
        AnsiStripper.HasEscape(data).ShouldBe(input.Contains("\u001b[", StringComparison.Ordinal));
    }
}
