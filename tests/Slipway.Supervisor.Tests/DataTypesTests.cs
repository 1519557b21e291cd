using Slipway.Supervisor.Config;

namespace Slipway.Supervisor.Tests;

public sealed class DataTypesTests
{
    [Theory]
    [InlineData("50MB", 50L * 1024 * 1024)]
    [InlineData("1kb", 1024L)]
    [InlineData("2GB", 2L * 1024 * 1024 * 1024)]
    [InlineData("0", 0L)]
    public void Byte_sizes_are_base_1024(string text, long bytes) => DataTypes.ByteSize(text).ShouldBe(bytes);

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("SIGKILL", 9)]
    [InlineData("hup", 1)]
    [InlineData("12", 12)]
    public void Signals_by_name_or_number(string text, int number) => DataTypes.Signal(text).ShouldBe(number);

    [Fact]
    public void Bad_values_say_what_is_wrong()
    {
        Should.Throw<FormatException>(() => DataTypes.Boolean("maybe")).Message.ShouldBe("not a valid boolean value: 'maybe'");
        Should.Throw<FormatException>(() => DataTypes.Signal("FOO")).Message.ShouldBe("value 'FOO' is not a valid signal name");
        Should.Throw<FormatException>(() => DataTypes.Octal("9")).Message.ShouldBe("'9' can not be converted to an octal type");
    }

    [Fact]
    public void Environment_values_may_be_quoted_with_commas_and_spaces()
    {
        var env = DataTypes.Environment("A=\"x, y\",B=plain,C='q=1'");
        env.ShouldBe([new("A", "x, y"), new("B", "plain"), new("C", "q=1")]);
    }

    [Fact]
    public void Commands_split_like_posix_shlex()
    {
        DataTypes.CommandWords("bash -c 'echo a; echo \"b\"' x\\ y").ShouldBe(["bash", "-c", "echo a; echo \"b\"", "x y"]);
    }

    [Theory]
    [InlineData("127.0.0.1:9001", "127.0.0.1", 9001)]
    [InlineData("*:9001", "", 9001)]
    [InlineData(":9001", "", 9001)]
    [InlineData("9001", "", 9001)]
    public void Ports(string text, string host, int port) => DataTypes.InetAddress(text).ShouldBe((host, port));
}
