import { DEFAULT_DELIVERY_HOSTS, DeliveryHostSchema, isDeliveryHost } from "@imagegate/jobs";

describe("isDeliveryHost", () => {
  it.each([
    ["delivery-eu1.bfl.ai", DEFAULT_DELIVERY_HOSTS.bfl, true],
    ["bfldeliveryprod.blob.core.windows.net", DEFAULT_DELIVERY_HOSTS.bfl, true],
    ["evil.blob.core.windows.net", DEFAULT_DELIVERY_HOSTS.bfl, false],
    ["v3.fal.media", DEFAULT_DELIVERY_HOSTS.fal, true],
    ["FAL.MEDIA.", DEFAULT_DELIVERY_HOSTS.fal, true],
    ["notfal.media", DEFAULT_DELIVERY_HOSTS.fal, false],
    ["fal.media.evil.com", DEFAULT_DELIVERY_HOSTS.fal, false],
    ["replicate.delivery", DEFAULT_DELIVERY_HOSTS.replicate, true],
    ["pbxt.replicate.delivery", DEFAULT_DELIVERY_HOSTS.replicate, true],
    ["169.254.169.254", DEFAULT_DELIVERY_HOSTS.replicate, false],
    ["anything.example", ["*"], true],
    ["anything.example", [], false],
  ])("%s in %j: %p", (host, allowed, ok) => {
    expect(isDeliveryHost(host, allowed)).toBe(ok);
  });
});

describe("DeliveryHostSchema", () => {
  it.each([
    ["cdn.example.com", true],
    ["*", true],
    ["Example.COM", true],
    ["https://cdn.example.com", false],
    ["*.example.com", false],
    ["cdn example", false],
  ])("%p valid: %p", (host, valid) => {
    expect(DeliveryHostSchema.safeParse(host).success).toBe(valid);
  });
});
