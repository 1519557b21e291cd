using Slipway.Monitor.Checks;

namespace Slipway.Monitor.Tests;

public sealed class CheckFactoryTests
{
    [Fact]
    public void Every_problem_of_a_definition_is_reported_at_once()
    {
        var definition = new CheckDefinition
        {
            Name = "web",
            Options = new CheckOptions { MaxCheckAttempts = 0, RetryInterval = TimeSpan.Zero },
            Tcp = new TcpCheckOptions("127.0.0.1", 70000) { Warning = "20:10" },
            Http = new HttpCheckOptions("ftp://example.org/"),
        };

        CheckFactory.Validate(definition).ShouldBe(
        [
            "check 'web': give exactly one of command, tcp, http, disk, load, supervise, queue, log_errors or release (2 given)",
            "check 'web': retry_interval must be greater than 0",
            "check 'web': max_check_attempts must be 1 or more",
            "check 'web': threshold range '20:10': start 20 is greater than end 10",
            "check 'web': tcp port 70000 is not from 1 to 65535",
            "check 'web': 'ftp://example.org/' is not an http:// or https:// URL",
        ]);
    }

    [Fact]
    public void A_plugin_command_with_shell_syntax_is_refused_unless_shell_is_set()
    {
        var definition = new CheckDefinition { Name = "q", Plugin = new PluginCheckOptions("check_x | head -1") };

        CheckFactory.Validate(definition).Single().ShouldStartWith("check 'q': '|' in the command line is shell syntax");
        CheckFactory.Validate(definition with { Plugin = new PluginCheckOptions("check_x | head -1", Shell: true) }).ShouldBeEmpty();
    }

    [Fact]
    public void Create_makes_the_check_of_the_given_kind()
    {
        var factory = new CheckFactory();

        factory.Create(new CheckDefinition { Name = "a", Plugin = new PluginCheckOptions("check_dummy 0") }).Check.ShouldBeOfType<PluginCheck>();
        factory.Create(new CheckDefinition { Name = "b", Tcp = new TcpCheckOptions("h", 1) }).Check.ShouldBeOfType<TcpCheck>();
        factory.Create(new CheckDefinition { Name = "c", Http = new HttpCheckOptions("https://h/") }).Check.ShouldBeOfType<HttpCheck>();
        factory.Create(new CheckDefinition { Name = "d", Disk = new DiskCheckOptions("/") }).Check.ShouldBeOfType<DiskCheck>();
        factory.Create(new CheckDefinition { Name = "e", Load = new LoadCheckOptions() }).Check.ShouldBeOfType<LoadCheck>();
        Should.Throw<ArgumentException>(() => factory.Create(new CheckDefinition { Name = "f", Load = new LoadCheckOptions { Warning = "1,2" } }))
            .Message.ShouldContain("give one range or three separated by commas");
    }
}
