using Slipway.Core.Net;

namespace Slipway.Core.Tests;

/// <summary>The listen addresses of --http and queue.http.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8515", "127.0.0.1:8515")]
    [InlineData("localhost:8515", "127.0.0.1:8515")]
    [InlineData("[::1]:8515", "[::1]:8515")]
    [InlineData("0.0.0.0:80", "0.0.0.0:80")]
    [InlineData(":8515", "0.0.0.0:8515")]
    [InlineData("*:0", "0.0.0.0:0")]
    public void Addresses_are_read_as_ip_and_port(string text, string endpoint)
    {
        ListenAddress.Parse(text, out var error)!.ToString().ShouldBe(endpoint);
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("8515", "'8515' is not HOST:PORT")]
    [InlineData("127.0.0.1:70000", "'127.0.0.1:70000' is not HOST:PORT")]
    [InlineData("127.0.0.1:-1", "is not HOST:PORT")]
    [InlineData("db1.example.com:8515", "'db1.example.com' in 'db1.example.com:8515' is not an IP address")]
    public void Mistakes_say_what_is_wrong(string text, string message)
    {
        ListenAddress.Parse(text, out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(message);
    }
}
