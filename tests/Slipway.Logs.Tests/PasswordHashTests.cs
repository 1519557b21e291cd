using Slipway.Logs.Web;

namespace Slipway.Logs.Tests;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_verifies_its_password_only_and_never_contains_it()
    {
        var hash = PasswordHash.Create("correct horse", iterations: 1000);

        hash.ShouldStartWith("pbkdf2-sha256$1000$");
        hash.ShouldNotContain("correct horse");
        PasswordHash.Verify("correct horse", hash).ShouldBeTrue();
        PasswordHash.Verify("correct hors", hash).ShouldBeFalse();
        PasswordHash.Create("correct horse", iterations: 1000).ShouldNotBe(hash); // salted
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-password")]
    [InlineData("pbkdf2-sha256$10$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==")]
    [InlineData("md5$1000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$not base64$aGFzaGhhc2hoYXNoaGFzaA==")]
    public void Malformed_hashes_are_named_as_such_and_never_verify(string stored)
    {
        PasswordHash.Problem(stored).ShouldNotBeNull();
        PasswordHash.Verify("anything", stored).ShouldBeFalse();
    }
}
