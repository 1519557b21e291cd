using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Tests;

public sealed class PluginCommandTests
{
    [Theory]
    [InlineData("/usr/lib/nagios/plugins/check_http -H 127.0.0.1 -p 8080", new[] { "/usr/lib/nagios/plugins/check_http", "-H", "127.0.0.1", "-p", "8080" })]
    [InlineData("check_disk  -w 20%   -c 10% -p /", new[] { "check_disk", "-w", "20%", "-c", "10%", "-p", "/" })]
    [InlineData("check_http -s 'hello world'", new[] { "check_http", "-s", "hello world" })]
    [InlineData("check_http -s \"say \\\"hi\\\"\"", new[] { "check_http", "-s", "say \"hi\"" })]
    [InlineData("check_x a\\ b ''", new[] { "check_x", "a b", "" })]
    [InlineData("check_x -w ~:10 -c @5:9", new[] { "check_x", "-w", "~:10", "-c", "@5:9" })]
    [InlineData("check_x '$HOME|x'", new[] { "check_x", "$HOME|x" })]
    public void A_command_line_is_split_into_argv_like_sh_without_expanding(string line, string[] argv)
    {
        var command = PluginCommand.Parse(line);

        command.Argv.ShouldBe(argv);
        command.UseShell.ShouldBeFalse();
    }

    [Theory]
    [InlineData("check_x | grep y", "'|' in the command line is shell syntax")]
    [InlineData("check_x > /tmp/out", "'>' in the command line is shell syntax")]
    [InlineData("check_x; rm -rf /", "';' in the command line is shell syntax")]
    [InlineData("check_x $HOME", "'$' in the command line is shell syntax")]
    [InlineData("check_x \"$HOME\"", "'$' inside double quotes is a shell expansion")]
    [InlineData("check_x `id`", "'`' in the command line is shell syntax")]
    [InlineData("check_x 'open", "unbalanced '")]
    [InlineData("check_x \"open", "unbalanced \"")]
    [InlineData("   ", "needs at least the program")]
    public void Shell_syntax_without_a_shell_is_refused_with_the_fix(string line, string message)
    {
        Should.Throw<FormatException>(() => PluginCommand.Parse(line)).Message.ShouldContain(message);
    }

    [Fact]
    public void With_a_shell_the_line_goes_to_sh_as_written()
    {
        var command = PluginCommand.Parse("check_x | grep y", useShell: true);

        command.Argv.ShouldBe(["/bin/sh", "-c", "check_x | grep y"]);
        command.UseShell.ShouldBeTrue();
    }
}
