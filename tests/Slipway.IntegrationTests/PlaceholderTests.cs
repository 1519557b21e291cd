namespace Slipway.IntegrationTests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Builds() => true.ShouldBeTrue();
}
