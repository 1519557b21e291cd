namespace Slipway.Core.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Builds() => true.ShouldBeTrue();
}
