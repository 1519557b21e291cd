namespace Slipway.Remote.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Builds() => true.ShouldBeTrue();
}
