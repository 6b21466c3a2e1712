import { Money, serializeJson } from './dotnet-json';

describe('serializeJson', () => {
  it('should write Money as a raw decimal literal that keeps its scale', () => {
    const text = serializeJson({
      BillRate: new Money(16500, 1),
      AddOnRate: new Money(2050, 2),
      RoomRate: new Money(0, 1),
      Discounts: [{ Name: 'Loyalty', Amount: new Money(1000, 2) }],
    });

    expect(text).toBe(
      '{"BillRate":165.0,"AddOnRate":20.50,"RoomRate":0.0,"Discounts":[{"Name":"Loyalty","Amount":10.00}]}',
    );
  });

  it('should keep two decimals when scale 1 would lose a digit', () => {
    expect(serializeJson([new Money(3575, 1), new Money(2050, 1)])).toBe('[35.75,20.5]');
  });

  it('should leave strings that look like money untouched', () => {
    expect(serializeJson({ Text: '165.0', Emoji: '🙂' })).toBe('{"Text":"165.0","Emoji":"🙂"}');
  });

  it('should reject negative or fractional cents', () => {
    expect(() => new Money(-1, 1)).toThrow(RangeError);
    expect(() => new Money(1.5, 2)).toThrow(RangeError);
  });
});
