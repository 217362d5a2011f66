-- The ten products that brought in the most revenue in the chosen period.
SELECT
    product AS "Product",
    category AS "Category",
    COUNT(*) AS "Orders",
    SUM(quantity) AS "Units",
    SUM(amount) AS "Revenue",
    ROUND(SUM(amount) / SUM(quantity), 2) AS "Average price"
FROM orders
WHERE tenant_id = :TENANT AND status = 'completed'
    [[ AND region IN :REGION ]]
    [[ AND channel IN :CHANNEL ]]
    [[ AND order_date >= :START ]]
    [[ AND order_date <= :END ]]
GROUP BY product, category
ORDER BY "Revenue" DESC
LIMIT 10
